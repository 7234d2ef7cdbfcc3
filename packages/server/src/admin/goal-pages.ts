/**
 * The forms of a site's goals and funnels sections, for owners and admins as every site setting
 * is. They validate and store exactly as the Sites API and the CLI do (goals/definitions.ts); a
 * refusal is shown in the section, in the same words or by step number, with the form as it was
 * filled in. A funnel form's step buttons come back to it with a step added or removed.
 */
import { CreateGoalRequestSchema, goalDisplayName } from '@sightline/shared';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { addGoal, failureMessage, goalOfRequest, putFunnel, removeGoal } from '../goals/definitions.js';
import type { SiteRecord } from '../store/types.js';
import type { AdminDeps } from './deps.js';
import { checkFunnelDraft, funnelRefusal } from './funnel-checks.js';
import { editedSteps, funnelDraftOf, goalDraftOf } from './goal-drafts.js';
import { adminsOnly, signedIn } from './guards.js';
import { html } from './html.js';
import type { SectionDraft, SiteExtras } from './section-parts.js';

/** What the site's page gives its sections' forms: the site of the URL, and the page shown again. */
export interface SitePage {
  siteOf(req: Request): Promise<SiteRecord>;
  showSite(res: Response, site: SiteRecord, extra?: SiteExtras): Promise<void>;
}

const issues = (error: z.ZodError) => error.issues.map((issue) => issue.message).join('; ');

/** An id of the URL, or null for anything that cannot be one (which no goal or funnel has). */
const idOf = (req: Request) => (/^\d{1,10}$/.test(String(req.params.id)) ? Number(req.params.id) : null);

const done = (text: string) => html`<p class="notice-ok" role="status">${text}</p>`;

export function goalPages(deps: AdminDeps, { siteOf, showSite }: SitePage): Router {
  const { store, clock } = deps;
  const router = Router();
  const guard = [signedIn(deps.accounts), adminsOnly];
  const refuse = (res: Response, site: SiteRecord, section: string, message: string, status = 400) =>
    showSite(res, site, { status, error: { section, message } });
  /** A refused form comes back as it was filled in. */
  const refuseDraft = (res: Response, site: SiteRecord, draft: SectionDraft, message: string, status = 400) =>
    showSite(res, site, { status, error: { section: draft.section, message }, draft });

  router.post('/sites/:domain/goals', ...guard, async (req, res) => {
    const site = await siteOf(req);
    const draft = goalDraftOf(req);
    const parsed = CreateGoalRequestSchema.safeParse(
      draft.type === 'page'
        ? { site_id: site.domain, goal_type: draft.type, page_path: draft.pagePath }
        : { site_id: site.domain, goal_type: draft.type, event_name: draft.eventName },
    );
    if (!parsed.success) return refuseDraft(res, site, draft, issues(parsed.error));
    const added = await addGoal(store, site.domain, goalOfRequest(parsed.data), clock.now());
    if (!added.ok) return refuseDraft(res, site, draft, failureMessage(added, site.domain), 409);
    // The API answers the same goal as harmless; a person adding it here expected something new.
    if (!added.created) return refuseDraft(res, site, draft, `${site.domain} already has the goal "${goalDisplayName(added.goal)}"`, 409);
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
    const draft = funnelDraftOf(req);
    const checked = checkFunnelDraft(site.domain, draft);
    if (!checked.ok) return refuseDraft(res, site, draft, checked.message);
    const put = await putFunnel(store, site.domain, checked.request.name, checked.request.steps, clock.now());
    if (!put.ok) return refuseDraft(res, site, draft, funnelRefusal(put, draft, site.domain), put.reason === 'too many funnels' ? 409 : 400);
    await showSite(res, site, { notice: done(`Funnel ${put.funnel.name} saved.`) });
  });

  /** The funnel form's "Add a step" and "Remove" buttons: the same form back, changed, with nothing saved. */
  router.post('/sites/:domain/funnels/steps', ...guard, async (req, res) => {
    const site = await siteOf(req);
    await showSite(res, site, { draft: editedSteps(req, funnelDraftOf(req)) });
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
