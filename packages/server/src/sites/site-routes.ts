/**
 * Site administration. Creating and listing sites takes the operator's ADMIN_TOKEN; changing a
 * site and managing its keys also accepts a key of that site with the sites:admin scope.
 *   POST /api/sites, GET /api/sites, PATCH /api/sites/:id, POST|GET /api/sites/:id/keys,
 *   DELETE /api/sites/:id/keys/:key
 */
import { CreateKeyRequestSchema, CreateSiteRequestSchema, UpdateSiteRequestSchema } from '@sightline/shared';
import { Router } from 'express';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { bearerOf, requireAdmin } from '../http/admin-auth.js';
import { HttpError } from '../http/errors.js';
import { parseOr400 } from '../http/parse.js';
import type { EventStore, KeyScope } from '../store/types.js';
import { issueKey, keyJson } from './api-keys.js';
import { registerSite, siteJson, snippet } from './register-site.js';
import type { Credential, SiteAccess } from './site-access.js';
import type { SiteDirectory } from './site-directory.js';

interface Deps {
  store: EventStore;
  sites: SiteDirectory;
  access: SiteAccess;
  clock: Clock;
  config: Config;
}

export function siteRoutes({ store, sites, access, clock, config }: Deps): Router {
  const router = Router();
  const admin = requireAdmin(config.adminToken);

  router.post('/api/sites', admin, async (req, res) => {
    const request = parseOr400(CreateSiteRequestSchema, req.body ?? {}, 'site');
    const site = await registerSite(store, request, clock.now());
    if (site === null) throw new HttpError(409, `site ${request.domain} already exists`);
    sites.forget(site.domain);
    res.status(201).json({ ...siteJson(site), snippet: snippet(config.publicUrl, site.domain) });
  });

  router.get('/api/sites', admin, async (_req, res) => {
    res.json({ sites: (await store.listSites()).map(siteJson) });
  });

  router.patch('/api/sites/:id', async (req, res) => {
    const site = await access.authorize(bearerOf(req), req.params.id.toLowerCase(), 'sites:admin');
    const patch = parseOr400(UpdateSiteRequestSchema, req.body ?? {}, 'site');
    const updated = await store.updateSite(site.domain, patch);
    if (updated === null) throw new HttpError(404, `unknown site ${site.domain}`);
    sites.forget(site.domain);
    res.json(siteJson(updated));
  });

  router.post('/api/sites/:id/keys', async (req, res) => {
    const { site, credential } = await access.grant(bearerOf(req), req.params.id.toLowerCase(), 'sites:admin');
    const request = parseOr400(CreateKeyRequestSchema, req.body ?? {}, 'key');
    refuseWiderKey(credential, request.scopes);
    const { record, secret } = await issueKey(store, site.domain, request.scopes, clock.now());
    res.status(201).set('Cache-Control', 'no-store').json({ ...keyJson(record), key: secret });
  });

  router.get('/api/sites/:id/keys', async (req, res) => {
    const site = await access.authorize(bearerOf(req), req.params.id.toLowerCase(), 'sites:admin');
    res.json({ keys: (await store.listApiKeys(site.domain)).map(keyJson) });
  });

  router.delete('/api/sites/:id/keys/:key', async (req, res) => {
    const site = await access.authorize(bearerOf(req), req.params.id.toLowerCase(), 'sites:admin');
    if (!(await store.deleteApiKey(site.domain, req.params.key))) {
      throw new HttpError(404, `site ${site.domain} has no key ${req.params.key}`);
    }
    res.status(204).end();
  });

  return router;
}

/** A key may hand out only what it holds itself, or a sites:admin key could read stats it may not read; the admin token may hand out anything. */
function refuseWiderKey(credential: Credential, scopes: readonly KeyScope[]): void {
  if (credential.kind !== 'key') return;
  const missing = scopes.filter((scope) => !credential.key.scopes.includes(scope));
  if (missing.length > 0) {
    throw new HttpError(403, `this key lacks the ${missing.join(', ')} scope, so it cannot create a key that has it`);
  }
}
