/** GET /api/v1/stats/funnel: visitors per step of one of the site's funnels, with conversion and drop-off. */
import { FunnelQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { bearerOf } from '../http/admin-auth.js';
import { sendCachedJson } from '../http/cached-json.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsRouteDeps } from './route-deps.js';

export function funnelRoute({ access, answers, clock }: StatsRouteDeps): Router {
  const router = Router();
  router.get('/api/v1/stats/funnel', async (req, res) => {
    const query = parseOr400(FunnelQuerySchema, req.query, 'query');
    const site = await access.authorize(bearerOf(req), query.site_id, 'stats:read');
    sendCachedJson(res, await answers.funnel(site, query, clock.now()));
  });
  return router;
}
