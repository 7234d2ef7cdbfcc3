/**
 * GET /dashboard/<site>: the dashboard, one static page for every site that reads the public
 * stats API from the browser. Its assets have content-hashed names, so they are cached for a
 * year; the page itself is revalidated on every load so a new build is picked up at once.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { SiteIdSchema } from '@sightline/shared';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { HttpError } from '../http/errors.js';

/** The dashboard package's build output, found the same way from src/ and from dist/. */
export const DEFAULT_DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dashboard/dist');

/** Where the built assets are served. */
export const ASSET_PATH = '/dashboard/_assets/';
/** What the build writes into dist/assets: `dashboard-<hash>.js` and `.css`, and the admin pages' `admin-<hash>.js` and `.css`. */
const ASSET_NAME = /^(dashboard|admin)-[A-Z0-9]+\.(js|css)$/;
const ASSET_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export interface DashboardOptions {
  dir?: string;
  /** Where a bare /dashboard goes. */
  defaultSite?: string | undefined;
  https?: boolean;
  /**
   * Where to send a browser that may not read the site's stats (a private site, nobody signed in
   * who may read it), or null to serve the page.
   */
  redirectFor?: (req: Request, site: string) => Promise<string | null>;
}

interface Asset {
  type: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

/**
 * The page loads only its own script and stylesheet and talks only to this origin; it builds
 * its DOM without HTML parsing, so Trusted Types can forbid every HTML sink outright.
 */
export function dashboardCsp(https: boolean): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
      requireTrustedTypesFor: ["'script'"],
      trustedTypes: ["'none'"],
      ...(https ? { upgradeInsecureRequests: [] } : {}),
    },
  });
}

async function loadAsset(file: string): Promise<Asset> {
  const identity = await readFile(file);
  return {
    type: ASSET_TYPES[path.extname(file).slice(1)]!,
    identity,
    gzip: gzipSync(identity, { level: 9 }),
    br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  };
}

function pickEncoding(req: Request): 'br' | 'gzip' | 'identity' {
  const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
  return accepted === 'br' || accepted === 'gzip' ? accepted : 'identity';
}

export function dashboardRoute(options: DashboardOptions = {}): Router {
  const dir = options.dir ?? DEFAULT_DASHBOARD_DIR;
  const router = Router();
  const assets = new Map<string, Promise<Asset>>();

  router.get('/dashboard', (_req, res) => {
    if (options.defaultSite === undefined) throw new HttpError(404, 'name a site: /dashboard/<site>');
    res.redirect(302, `/dashboard/${encodeURIComponent(options.defaultSite)}`);
  });

  router.get('/dashboard/_assets/:file', async (req, res) => {
    const name = req.params.file;
    if (!ASSET_NAME.test(name)) throw new HttpError(404, `no dashboard asset ${name}`);
    let asset = assets.get(name);
    if (asset === undefined) {
      asset = loadAsset(path.join(dir, 'assets', name));
      assets.set(name, asset);
      asset.catch(() => assets.delete(name));
    }
    const loaded = await asset.catch(() => {
      throw new HttpError(404, `no dashboard asset ${name}`);
    });
    const encoding = pickEncoding(req);
    res.set({ 'Content-Type': loaded.type, 'Cache-Control': 'public, max-age=31536000, immutable', Vary: 'Accept-Encoding' });
    if (encoding !== 'identity') res.set('Content-Encoding', encoding);
    res.send(loaded[encoding]);
  });

  router.get('/dashboard/:site', dashboardCsp(options.https ?? false), async (req, res) => {
    if (!SiteIdSchema.safeParse(req.params.site).success) {
      throw new HttpError(404, `no site ${req.params.site}: a site is named by its domain, e.g. /dashboard/example.com`);
    }
    const redirect = options.redirectFor === undefined ? null : await options.redirectFor(req, String(req.params.site).toLowerCase());
    if (redirect !== null) {
      res.set('Cache-Control', 'no-store').redirect(302, redirect);
      return;
    }
    await sendDashboardPage(req, res, dir);
  });

  return router;
}

/** The page, the same for every site: what it shows is decided by its address and the API's answers. */
export async function sendDashboardPage(req: Request, res: Response, dir: string = DEFAULT_DASHBOARD_DIR): Promise<void> {
  // Read per request (it is 1 KB): a rebuild with new asset names is served without a restart.
  const html = await readFile(path.join(dir, 'index.html')).catch(() => {
    throw new HttpError(503, 'the dashboard is not built: run pnpm build');
  });
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-cache',
    ETag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 16)}"`,
    'X-Robots-Tag': 'noindex',
  });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.send(html);
}
