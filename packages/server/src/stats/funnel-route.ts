/**
 * GET /api/v1/stats/funnel: visitors per step of one of the site's funnels, with conversion and
 * drop-off. GET /api/v1/stats/funnels: the site's funnels, for whoever may read its stats (the
 * Sites API's list wants sites:admin), so a dashboard can offer them.
 */
import { FunnelQuerySchema, SiteQuerySchema } from '@sightline/shared';
import { Router } from 'express';
import { presentedBy } from '../http/presented.js';
import { sendCachedJson } from '../http/cached-json.js';
import { parseOr400 } from '../http/parse.js';
import { funnelJson } from '../goals/definitions.js';
import type { Definitions } from '../store/types.js';
import type { StatsRouteDeps } from './route-deps.js';

export function funnelRoute({ access, answers, clock }: StatsRouteDeps, store: Pick<Definitions, 'listFunnels' | 'listGoals'>): Router {
  const router = Router();
  router.get('/api/v1/stats/funnels', async (req, res) => {
    const query = parseOr400(SiteQuerySchema, req.query, 'query');
    const site = await access.authorize(presentedBy(req, res), query.site_id, 'stats:read');
    const [funnels, goals] = await Promise.all([store.listFunnels(site.domain), store.listGoals(site.domain)]);
    res.set('Cache-Control', 'no-cache').json({ funnels: funnels.map((funnel) => funnelJson(funnel, goals)) });
  });
  router.get('/api/v1/stats/funnel', async (req, res) => {
    const query = parseOr400(FunnelQuerySchema, req.query, 'query');
    const site = await access.authorize(presentedBy(req, res), query.site_id, 'stats:read');
    sendCachedJson(res, await answers.funnel(site, query, clock.now()));
  });
  return router;
}
