/**
 * GET /api/v1/stats/breakdown: metrics per value of one property, sorted by the first metric
 * asked for (in the fixed order visitors, visits, pageviews, …) descending, then by value.
 */
import { BreakdownQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { presentedBy } from '../http/presented.js';
import { sendCachedJson } from '../http/cached-json.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsRouteDeps } from './route-deps.js';

export function breakdownRoute({ access, answers, clock }: StatsRouteDeps): Router {
  const router = Router();
  router.get('/api/v1/stats/breakdown', async (req, res) => {
    const query = parseOr400(BreakdownQuerySchema, req.query, 'query');
    const site = await access.authorize(presentedBy(req, res), query.site_id, 'stats:read');
    sendCachedJson(res, await answers.breakdown(site, query, clock.now()));
  });
  return router;
}
