/** GET /api/stats: pageviews, unique visitors and top pages of a site over a range of days. */
import { SummaryQuerySchema, type SummaryResponse } from '@sightline/shared';
import { Router } from 'express';
import type { ReadThrough } from '../cache/cached.js';
import type { Clock } from '../clock.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsReader } from '../store/types.js';
import type { SiteAccess } from '../sites/site-access.js';
import { sendCachedJson, ttlFor } from './cache-policy.js';
import { dayRange } from './period.js';

interface Deps {
  reader: StatsReader;
  access: SiteAccess;
  cached: ReadThrough;
  clock: Clock;
}

/** Read like the v1 endpoints: public sites by anyone, others with a stats:read key. */
export function summaryRoute({ reader, access, cached, clock }: Deps): Router {
  const router = Router();
  router.get('/api/stats', async (req, res) => {
    const query = parseOr400(SummaryQuerySchema, req.query, 'query');
    const site = await access.authorize(req, query.site, 'stats:read');
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
