/** POST /api/sites and GET /api/sites: site administration, behind the admin token. */
import { CreateSiteRequestSchema } from '@sightline/shared';
import { Router } from 'express';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { requireAdmin } from '../http/admin-auth.js';
import { HttpError } from '../http/errors.js';
import { parseOr400 } from '../http/parse.js';
import type { EventStore } from '../store/types.js';
import { registerSite, siteJson, snippet } from './register-site.js';
import type { SiteDirectory } from './site-directory.js';

interface Deps {
  store: EventStore;
  sites: SiteDirectory;
  clock: Clock;
  config: Config;
}

export function siteRoutes({ store, sites, clock, config }: Deps): Router {
  const router = Router();
  router.use('/api/sites', requireAdmin(config.adminToken));

  router.post('/api/sites', async (req, res) => {
    const request = parseOr400(CreateSiteRequestSchema, req.body ?? {}, 'site');
    const site = await registerSite(store, request, clock.now());
    if (site === null) throw new HttpError(409, `site ${request.domain} already exists`);
    sites.forget(site.domain);
    res.status(201).json({ ...siteJson(site), snippet: snippet(config.publicUrl, site.domain) });
  });

  router.get('/api/sites', async (_req, res) => {
    res.json({ sites: (await store.listSites()).map(siteJson) });
  });

  return router;
}
