/**
 * The Sites API's goals and funnels, as Plausible's Sites API has goals (admin token, or a key
 * of the site with the sites:admin scope):
 *   PUT /api/v1/sites/goals, GET /api/v1/sites/goals?site_id=, DELETE /api/v1/sites/goals/:id
 *   PUT /api/v1/sites/funnels, GET /api/v1/sites/funnels?site_id=, DELETE /api/v1/sites/funnels/:id
 * DELETE takes site_id in the query or, as Plausible's does, in a JSON body.
 */
import { CreateFunnelRequestSchema, CreateGoalRequestSchema, DeleteRequestSchema, SiteQuerySchema } from '@sightline/shared';
import { Router, type Request } from 'express';
import type { Clock } from '../clock.js';
import { bearerOf } from '../http/admin-auth.js';
import { HttpError } from '../http/errors.js';
import { parseOr400 } from '../http/parse.js';
import type { SiteAccess } from '../sites/site-access.js';
import type { EventStore } from '../store/types.js';
import { addGoal, failureMessage, funnelJson, goalJson, goalOfRequest, putFunnel, removeGoal } from './definitions.js';

interface Deps {
  store: EventStore;
  access: SiteAccess;
  clock: Clock;
}

function idParam(req: Request): number {
  const raw = String(req.params.id ?? '');
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(400, `"${raw}" is not an id: ids are whole numbers from 1`);
  return id;
}

/** site_id from the query, or else from the body. */
function siteOfDelete(req: Request): string {
  const query = req.query as Record<string, unknown>;
  const input = Object.keys(query).length > 0 ? query : ((req.body as unknown) ?? {});
  return parseOr400(DeleteRequestSchema, input, Object.keys(query).length > 0 ? 'query' : 'body').site_id;
}

export function definitionRoutes({ store, access, clock }: Deps): Router {
  const router = Router();
  const admin = (req: Request, site: string) => access.authorize(bearerOf(req), site, 'sites:admin');

  router.put('/api/v1/sites/goals', async (req, res) => {
    const request = parseOr400(CreateGoalRequestSchema, req.body ?? {}, 'goal');
    const site = await admin(req, request.site_id);
    const added = await addGoal(store, site.domain, goalOfRequest(request), clock.now());
    if (!added.ok) throw new HttpError(409, failureMessage(added, site.domain));
    res.json(goalJson(added.goal));
  });

  router.get('/api/v1/sites/goals', async (req, res) => {
    const site = await admin(req, parseOr400(SiteQuerySchema, req.query, 'query').site_id);
    res.json({ goals: (await store.listGoals(site.domain)).map(goalJson) });
  });

  router.delete('/api/v1/sites/goals/:id', async (req, res) => {
    const id = idParam(req);
    const site = await admin(req, siteOfDelete(req));
    const removed = await removeGoal(store, site.domain, id);
    if (!removed.ok) throw new HttpError(removed.reason === 'unknown goal' ? 404 : 409, failureMessage(removed, site.domain));
    res.json({ deleted: true });
  });

  router.put('/api/v1/sites/funnels', async (req, res) => {
    const request = parseOr400(CreateFunnelRequestSchema, req.body ?? {}, 'funnel');
    const site = await admin(req, request.site_id);
    const put = await putFunnel(store, site.domain, request.name, request.steps, clock.now());
    if (!put.ok) throw new HttpError(put.reason === 'too many funnels' ? 409 : 400, failureMessage(put, site.domain));
    res.json(funnelJson(put.funnel, put.goals));
  });

  router.get('/api/v1/sites/funnels', async (req, res) => {
    const site = await admin(req, parseOr400(SiteQuerySchema, req.query, 'query').site_id);
    const [funnels, goals] = await Promise.all([store.listFunnels(site.domain), store.listGoals(site.domain)]);
    res.json({ funnels: funnels.map((funnel) => funnelJson(funnel, goals)) });
  });

  router.delete('/api/v1/sites/funnels/:id', async (req, res) => {
    const id = idParam(req);
    const site = await admin(req, siteOfDelete(req));
    if (!(await store.deleteFunnel(site.domain, id))) throw new HttpError(404, `site ${site.domain} has no funnel ${id}`);
    res.json({ deleted: true });
  });

  return router;
}
