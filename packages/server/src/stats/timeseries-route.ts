/** GET /api/v1/stats/timeseries: metrics per minute, hour, day, week or month, empty buckets as zeros. */
import { TimeseriesQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { presentedBy } from '../http/presented.js';
import { sendCachedJson } from '../http/cached-json.js';
import { parseOr400 } from '../http/parse.js';
import type { StatsRouteDeps } from './route-deps.js';

export function timeseriesRoute({ access, answers, clock }: StatsRouteDeps): Router {
  const router = Router();
  router.get('/api/v1/stats/timeseries', async (req, res) => {
    const query = parseOr400(TimeseriesQuerySchema, req.query, 'query');
    const site = await access.authorize(presentedBy(req, res), query.site_id, 'stats:read');
    sendCachedJson(res, await answers.timeseries(site, query, clock.now()));
  });
  return router;
}
