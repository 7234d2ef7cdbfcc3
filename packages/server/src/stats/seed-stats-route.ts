/** GET /stats: the first version's totals, overall and per page, for the configured default site. */
import type { SeedStatsResponse } from '@sightline/shared';
import { Router } from 'express';
import type { ReadThrough } from '../cache/cached.js';
import { HttpError } from '../http/errors.js';
import type { StatsReader } from '../store/types.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import { LIVE_TTL_MS, sendCachedJson } from './cache-policy.js';

interface Deps {
  reader: StatsReader;
  sites: SiteDirectory;
  cached: ReadThrough;
}

/** POST /track stores page "home" as path "/home"; /stats answers in the caller's terms again. */
function pageIdOf(path: string): string {
  return path.length > 1 ? path.slice(1) : path;
}

export function seedStatsRoute({ reader, sites, cached }: Deps, defaultSite: string | undefined): Router {
  const router = Router();
  router.get('/stats', async (_req, res) => {
    if (defaultSite === undefined || (await sites.get(defaultSite)) === null) {
      throw new HttpError(404, 'no default site: set DEFAULT_SITE to a registered site to use /stats');
    }
    const { body, hit } = await cached.get(`stats:seed:${defaultSite}`, LIVE_TTL_MS, async (): Promise<SeedStatsResponse> => {
      const result = await reader.allTime(defaultSite);
      return {
        total_views: result.pageviews,
        unique_visitors: result.visitors,
        pages: result.pages.map((page) => ({ page_id: pageIdOf(page.page), views: page.pageviews, unique_visitors: page.visitors })),
      };
    });
    sendCachedJson(res, body, hit, LIVE_TTL_MS);
  });
  return router;
}
