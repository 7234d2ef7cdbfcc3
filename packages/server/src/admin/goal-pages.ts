/**
 * The forms of a site's goals and funnels sections, for owners and admins as every site setting
 * is. They validate and store exactly as the Sites API and the CLI do (goals/definitions.ts); a
 * refusal is shown in the section, in the same words.
 */
import { CreateFunnelRequestSchema, CreateGoalRequestSchema, LIMITS } from '@sightline/shared';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { addGoal, failureMessage, goalOfRequest, putFunnel, removeGoal } from '../goals/definitions.js';
import type { SiteRecord } from '../store/types.js';
import type { AdminDeps } from './deps.js';
import { field, fields } from './forms.js';
import { adminsOnly, signedIn } from './guards.js';
import { html, type Html } from './html.js';
import type { SectionError } from './section-parts.js';

/** What the site's page gives its sections' forms: the site of the URL, and the page shown again. */
export interface SitePage {
  siteOf(req: Request): Promise<SiteRecord>;
  showSite(res: Response, site: SiteRecord, extra?: { error?: SectionError; notice?: Html; status?: number }): Promise<void>;
}

const issues = (error: z.ZodError) => error.issues.map((issue) => issue.message).join('; ');

/** An id of the URL, or null for anything that cannot be one (which no goal or funnel has). */
const idOf = (req: Request) => (/^\d{1,10}$/.test(String(req.params.id)) ? Number(req.params.id) : null);

/** A step's select sends a goal id; a number resolves only by id, never as a goal named with digits. */
const stepOf = (value: string) => (/^\d{1,10}$/.test(value) ? Number(value) : value);

const done = (text: string) => html`<p class="notice-ok" role="status">${text}</p>`;

export function goalPages(deps: AdminDeps, { siteOf, showSite }: SitePage): Router {
  const { store, clock } = deps;
  const router = Router();
  const guard = [signedIn(deps.accounts), adminsOnly];
  const refuse = (res: Response, site: SiteRecord, section: string, message: string, status = 400) =>
    showSite(res, site, { status, error: { section, message } });

  router.post('/sites/:domain/goals', ...guard, async (req, res) => {
    const site = await siteOf(req);
    const type = field(req, 'goal_type', 10);
    const parsed = CreateGoalRequestSchema.safeParse(
      type === 'page'
        ? { site_id: site.domain, goal_type: type, page_path: field(req, 'page_path', LIMITS.maxUrlLength + 1) }
        : { site_id: site.domain, goal_type: type, event_name: field(req, 'event_name', LIMITS.maxEventNameLength + 1) },
    );
    if (!parsed.success) return refuse(res, site, 'goals', issues(parsed.error));
    const added = await addGoal(store, site.domain, goalOfRequest(parsed.data), clock.now());
    if (!added.ok) return refuse(res, site, 'goals', failureMessage(added, site.domain), 409);
    await showSite(res, site, { notice: done('Goal saved: it counts past events too.') });
  });

  router.post('/sites/:domain/goals/:id/delete', ...guard, async (req, res) => {
    const site = await siteOf(req);
    const id = idOf(req);
    const removed = id === null ? ({ ok: false, reason: 'unknown goal' } as const) : await removeGoal(store, site.domain, id);
    if (!removed.ok) return refuse(res, site, 'goals', failureMessage(removed, site.domain), removed.reason === 'unknown goal' ? 404 : 409);
    await showSite(res, site, { notice: done('Goal deleted.') });
  });

  router.post('/sites/:domain/funnels', ...guard, async (req, res) => {
    const site = await siteOf(req);
    const steps = fields(req, 'step', 20).filter((step) => step !== '').map(stepOf);
    const parsed = CreateFunnelRequestSchema.safeParse({ site_id: site.domain, name: field(req, 'name', 200), steps });
    if (!parsed.success) return refuse(res, site, 'funnels', issues(parsed.error));
    const put = await putFunnel(store, site.domain, parsed.data.name, parsed.data.steps, clock.now());
    if (!put.ok) return refuse(res, site, 'funnels', failureMessage(put, site.domain), put.reason === 'too many funnels' ? 409 : 400);
    await showSite(res, site, { notice: done(`Funnel ${put.funnel.name} saved.`) });
  });

  router.post('/sites/:domain/funnels/:id/delete', ...guard, async (req, res) => {
    const site = await siteOf(req);
    const id = idOf(req);
    const deleted = id !== null && (await store.deleteFunnel(site.domain, id));
    if (!deleted) return refuse(res, site, 'funnels', `site ${site.domain} has no such funnel`, 404);
    await showSite(res, site, { notice: done('Funnel deleted: its goals stay.') });
  });

  return router;
}
