/**
 * GET /s.js: the tracker for script tags. Loaded on every page view of every customer site,
 * so it is compressed once at load, revalidated by ETag and cached by browsers for a day.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import cors from 'cors';
import { Router, type Request } from 'express';
import { HttpError } from '../http/errors.js';

interface Encoded {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

/** Any page on any origin loads the tracker, without credentials. */
const anyOrigin = cors({ origin: '*', methods: ['GET'], maxAge: 86_400 });

/** A day fresh, then a week of stale-while-revalidate: updates reach pages within a day. */
const CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=604800';

async function load(file: string): Promise<Encoded> {
  const identity = await readFile(file);
  return {
    identity,
    gzip: gzipSync(identity, { level: 9 }),
    br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 16)}"`,
  };
}

function pickEncoding(req: Request): 'br' | 'gzip' | 'identity' {
  const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
  return accepted === 'br' || accepted === 'gzip' ? accepted : 'identity';
}

export function scriptRoute(scriptFile: string): Router {
  const router = Router();
  let script: Promise<Encoded> | undefined;
  router.get('/s.js', anyOrigin, async (req, res) => {
    script ??= load(scriptFile).catch((error: unknown) => {
      script = undefined;
      throw error;
    });
    const encoded = await script.catch(() => {
      throw new HttpError(503, 'the tracker script is not built: run pnpm build');
    });
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': CACHE_CONTROL,
      ETag: encoded.etag,
      Vary: 'Accept-Encoding',
      // Pages on any origin load this script; helmet's default would block that.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const encoding = pickEncoding(req);
    if (encoding !== 'identity') res.set('Content-Encoding', encoding);
    res.send(encoded[encoding]);
  });
  return router;
}
