/** Writes a stats answer with the headers that say where it came from and how long it keeps. */
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import type { CachedAnswer } from '../stats/stats-answers.js';

const etagOf = (body: string) => `W/"${createHash('sha1').update(body).digest('base64url')}"`;

/**
 * The answer depends on the key sent, so a browser must not reuse one fetched with a key for a
 * request without it.
 *
 * The body goes out as one string, which Node writes with the headers in a single write; res.send
 * turns it into a Buffer written separately, which cost a cached answer a fifth of its server CPU
 * (docs/performance.md, item 11).
 */
export function sendCachedJson(res: Response, { body, hit, ttlMs }: CachedAnswer): void {
  res
    .set({
      'X-Cache': hit ? 'hit' : 'miss',
      'Cache-Control': `private, max-age=${Math.floor(ttlMs / 1000)}`,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      ETag: etagOf(body),
    })
    .vary('Authorization');
  if (res.req.fresh) {
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Length');
    res.status(304).end();
    return;
  }
  res.end(body);
}
