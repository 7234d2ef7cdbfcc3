/** GET /api/v1/stats/aggregate: metrics over a period, optionally against the period before. */
import { AggregateQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { presentedBy } from '../http/presented.js';
import { sendCachedJson } from '../http/cached-json.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsRouteDeps } from './route-deps.js';

export function aggregateRoute({ access, answers, clock }: StatsRouteDeps): Router {
  const router = Router();
  router.get('/api/v1/stats/aggregate', async (req, res) => {
    const query = parseOr400(AggregateQuerySchema, req.query, 'query');
    const site = await access.authorize(presentedBy(req, res), query.site_id, 'stats:read');
    sendCachedJson(res, await answers.aggregate(site, query, clock.now()));
  });
  return router;
}
