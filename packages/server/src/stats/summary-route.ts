/** GET /api/stats: pageviews, unique visitors and top pages of a site over a range of days. */
import { SummaryQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { bearerOf } from '../http/admin-auth.js';
import { sendCachedJson } from '../http/cached-json.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsRouteDeps } from './route-deps.js';

/** Read like the v1 endpoints: public sites by anyone, others with a stats:read key. */
export function summaryRoute({ access, answers, clock }: StatsRouteDeps): Router {
  const router = Router();
  router.get('/api/stats', async (req, res) => {
    const query = parseOr400(SummaryQuerySchema, req.query, 'query');
    const site = await access.authorize(bearerOf(req), query.site, 'stats:read');
    sendCachedJson(res, await answers.summary(site, query, clock.now()));
  });
  return router;
}
