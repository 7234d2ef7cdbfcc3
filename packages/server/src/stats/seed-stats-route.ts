/** GET /stats: the first version's totals, overall and per page (a thousand per answer, `page` for more), for the configured default site. */
import { SeedStatsQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { bearerOf } from '../http/admin-auth.js';
import { sendCachedJson } from '../http/cached-json.js';
import { HttpError } from '../http/errors.js';
import { parseOr400 } from '../http/parse.js';
import type { SiteAccess } from '../sites/site-access.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import type { StatsAnswers } from './stats-answers.js';

interface Deps {
  sites: SiteDirectory;
  access: SiteAccess;
  answers: StatsAnswers;
}

/** Read like every other stats endpoint: a public default site by anyone, a private one with a stats:read key or the admin token. */
export function seedStatsRoute({ sites, access, answers }: Deps, defaultSite: string | undefined): Router {
  const router = Router();
  router.get('/stats', async (req, res) => {
    if (defaultSite === undefined || (await sites.get(defaultSite)) === null) {
      throw new HttpError(404, 'no default site: set DEFAULT_SITE to a registered site to use /stats');
    }
    const site = await access.authorize(bearerOf(req), defaultSite, 'stats:read');
    const { page } = parseOr400(SeedStatsQuerySchema, req.query, 'query');
    sendCachedJson(res, await answers.seedStats(site, page));
  });
  return router;
}
