/**
 * The goals and funnels sections of a site's page: each lists what the site has with a delete
 * button, and has a form to add one, filled in again as it was sent when it comes back refused.
 * A funnel's steps are chosen from the site's goals.
 */
import { goalDisplayName, LIMITS, MIN_FUNNEL_STEPS } from '@sightline/shared';
import { funnelJson } from '../goals/definitions.js';
import { funnelForm } from './funnel-form.js';
import { html } from './html.js';
import { csrfField } from './layout.js';
import { errorOf, sitePath } from './section-parts.js';
import type { SiteSection } from './site-sections.js';

export const goalsSection: SiteSection = {
  id: 'goals',
  title: 'Goals',
  async render(context) {
    const { deps, site, csrf } = context;
    const goals = await deps.store.listGoals(site.domain);
    const draft = context.draft?.section === 'goals' ? context.draft : undefined;
    const page = draft?.type === 'page';
    const rows = goals.map(
      (goal) => html`<tr><td>${goalDisplayName(goal)}</td><td>${goal.type === 'event' ? 'custom event' : 'page visit'}</td>
<td><form method="post" action="${sitePath(site)}/goals/${goal.id}/delete">${csrfField(csrf)}<button type="submit" aria-label="Delete the goal ${goalDisplayName(goal)}">Delete</button></form></td></tr>`,
    );
    return html`<p>A goal is a custom event, or a visit to pages; the stats then show who completed it and the conversion rate. Goals count past events too.</p>
${goals.length === 0 ? html`<p class="status">No goals yet.</p>` : html`<div class="table-scroll"><table class="list"><thead><tr><th>Goal</th><th>Kind</th><th><span class="visually-hidden">Delete</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
<form method="post" action="${sitePath(site)}/goals" class="form">
${errorOf(context, 'goals')}${csrfField(csrf)}
<fieldset><legend>Kind</legend>
<label class="check"><input type="radio" name="goal_type" value="event" ${page ? '' : html`checked`}> A custom event, by its name</label>
<label class="check"><input type="radio" name="goal_type" value="page" ${page ? html`checked` : ''}> A visit to pages, by their path</label>
</fieldset>
<label for="goal-event-name">Event name</label>
<input id="goal-event-name" name="event_name" maxlength="${LIMITS.maxEventNameLength}" autocomplete="off" spellcheck="false" placeholder="e.g. Signup" value="${draft?.eventName ?? ''}">
<label for="goal-page-path">Page path</label>
<input id="goal-page-path" name="page_path" maxlength="${LIMITS.maxUrlLength}" autocomplete="off" spellcheck="false" placeholder="e.g. /pricing" value="${draft?.pagePath ?? ''}" aria-describedby="goal-page-path-hint">
<p class="hint" id="goal-page-path-hint"><code>*</code> stands for any characters: <code>/blog/*</code> is every page of the blog.</p>
<button type="submit">Add the goal</button>
</form>`;
  },
};

export const funnelsSection: SiteSection = {
  id: 'funnels',
  title: 'Funnels',
  async render(context) {
    const { deps, site, csrf } = context;
    const [funnels, goals] = await Promise.all([deps.store.listFunnels(site.domain), deps.store.listGoals(site.domain)]);
    const rows = funnels.map((funnel) => {
      const steps = funnelJson(funnel, goals).steps.map((step) => step.display_name);
      return html`<tr><td>${funnel.name}</td><td>${steps.join(' → ')}</td>
<td><form method="post" action="${sitePath(site)}/funnels/${funnel.id}/delete">${csrfField(csrf)}<button type="submit" aria-label="Delete the funnel ${funnel.name}">Delete</button></form></td></tr>`;
    });
    const form =
      goals.length < MIN_FUNNEL_STEPS
        ? html`${errorOf(context, 'funnels')}<p class="status">A funnel's steps are goals: add at least ${MIN_FUNNEL_STEPS} goals first.</p>`
        : funnelForm(context, goals);
    return html`<p>A funnel counts the visitors who completed its goals in order, within one visit, and where the others dropped off.</p>
${funnels.length === 0 ? html`<p class="status">No funnels yet.</p>` : html`<div class="table-scroll"><table class="list"><thead><tr><th>Funnel</th><th>Steps</th><th><span class="visually-hidden">Delete</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
${form}`;
  },
};
