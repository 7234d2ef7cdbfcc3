/** GET /api/stats: pageviews, unique visitors and top pages of a site over a range of days. */
import { SummaryQuerySchema, type SummaryResponse } from '@sightline/shared';
import { Router } from 'express';
import type { ReadThrough } from '../cache/cached.js';
import type { Clock } from '../clock.js';
import { HttpError } from '../http/errors.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsReader } from '../store/types.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import { sendCachedJson, ttlFor } from './cache-policy.js';
import { dayRange } from './period.js';

interface Deps {
  reader: StatsReader;
  sites: SiteDirectory;
  cached: ReadThrough;
  clock: Clock;
}

export function summaryRoute({ reader, sites, cached, clock }: Deps): Router {
  const router = Router();
  router.get('/api/stats', async (req, res) => {
    const query = parseOr400(SummaryQuerySchema, req.query, 'query');
    const site = await sites.get(query.site);
    if (site === null) throw new HttpError(404, `unknown site ${query.site}`);
    const now = clock.now();
    const range = dayRange(site.timezone, now, query.from, query.to);
    const key = `stats:summary:${site.domain}:${range.fromDay}:${range.toDay}:${query.limit}`;
    const ttl = ttlFor(range.to, now);
    const { body, hit } = await cached.get(key, ttl, async (): Promise<SummaryResponse> => {
      const result = await reader.summary({ site: site.domain, from: range.from, to: range.to, limit: query.limit });
      return {
        site: site.domain,
        from: range.fromDay,
        to: range.toDay,
        timezone: site.timezone,
        pageviews: result.pageviews,
        visitors: result.visitors,
        top_pages: result.topPages,
      };
    });
    sendCachedJson(res, body, hit, ttl);
  });
  return router;
}
