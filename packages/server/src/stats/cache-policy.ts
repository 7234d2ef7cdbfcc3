/**
 * How long a stats answer may be reused. A range that includes the present keeps changing,
 * so it is cached for seconds to stay real-time; a closed range in the past never changes.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';

export const LIVE_TTL_MS = 5_000;
export const CLOSED_TTL_MS = 60 * 60 * 1000;

/**
 * A range that ended a moment ago is still live: events are stamped when they arrive and
 * committed just after, other instances' clocks differ a little, and a sliding range such as the
 * last 30 minutes ends at the instant it was resolved, which is already past when it is cached.
 */
const SETTLING_MS = 60_000;

export function ttlFor(rangeEnd: number, now: number): number {
  return rangeEnd > now - SETTLING_MS ? LIVE_TTL_MS : CLOSED_TTL_MS;
}

const etagOf = (body: string) => `W/"${createHash('sha1').update(body).digest('base64url')}"`;

/**
 * Writes a cached or freshly computed JSON body, saying which it was. The answer depends on the
 * key sent, so a browser must not reuse one fetched with a key for a request without it.
 *
 * The body goes out as one string, which Node writes with the headers in a single write; res.send
 * turns it into a Buffer written separately, which cost a cached answer a fifth of its server CPU
 * (docs/performance.md, item 11).
 */
export function sendCachedJson(res: Response, body: string, hit: boolean, ttlMs: number): void {
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
