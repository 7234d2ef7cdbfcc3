/** GET /api/v1/stats/realtime/visitors: visitors seen in the last five minutes, as a bare number. */
import { RealtimeQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { parseOr400 } from '../http/parse.js';
import { countActive } from '../ingest/active-visitors.js';
import type { V1Deps } from './v1-request.js';

export function realtimeRoute(deps: Pick<V1Deps, 'access' | 'visits' | 'clock'>): Router {
  const router = Router();
  router.get('/api/v1/stats/realtime/visitors', async (req, res) => {
    const query = parseOr400(RealtimeQuerySchema, req.query, 'query');
    const site = await deps.access.authorize(req, query.site_id, 'stats:read');
    const visitors = await countActive(deps.visits, site.domain, deps.clock.now());
    res.set('Cache-Control', 'no-cache').json(visitors);
  });
  return router;
}
