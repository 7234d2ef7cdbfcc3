/** GET /stats: the first version's totals, overall and per page, for the configured default site. */
import { Router } from 'express';
import { sendCachedJson } from '../http/cached-json.js';
import { HttpError } from '../http/errors.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import type { StatsAnswers } from './stats-answers.js';

interface Deps {
  sites: SiteDirectory;
  answers: StatsAnswers;
}

/** Keyless, as the first version was (docs/stats-api.md): it only ever shows the configured default site. */
export function seedStatsRoute({ sites, answers }: Deps, defaultSite: string | undefined): Router {
  const router = Router();
  router.get('/stats', async (_req, res) => {
    const site = defaultSite === undefined ? null : await sites.get(defaultSite);
    if (site === null) throw new HttpError(404, 'no default site: set DEFAULT_SITE to a registered site to use /stats');
    sendCachedJson(res, await answers.seedStats(site));
  });
  return router;
}
