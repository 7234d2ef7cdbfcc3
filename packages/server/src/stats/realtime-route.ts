/** GET /api/v1/stats/realtime/visitors: visitors seen in the last five minutes, as a bare number. */
import { RealtimeQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { presentedBy } from '../http/presented.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsRouteDeps } from './route-deps.js';

export function realtimeRoute({ access, answers, clock }: StatsRouteDeps): Router {
  const router = Router();
  router.get('/api/v1/stats/realtime/visitors', async (req, res) => {
    const query = parseOr400(RealtimeQuerySchema, req.query, 'query');
    const site = await access.authorize(presentedBy(req, res), query.site_id, 'stats:read');
    res.set('Cache-Control', 'no-cache').json(await answers.realtimeVisitors(site, clock.now()));
  });
  return router;
}
