/**
 * The form that adds a funnel: a name and a select per step, two to start with. "Add a step" and
 * each step's "Remove" send the form to be shown again changed, so it works without a script.
 */
import { goalDisplayName, MAX_FUNNEL_STEPS, MIN_FUNNEL_STEPS } from '@sightline/shared';
import type { GoalRecord } from '../store/types.js';
import { stepRows } from './goal-drafts.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { errorOf, sitePath } from './section-parts.js';
import type { SectionContext } from './site-sections.js';

export function funnelForm(context: SectionContext, goals: readonly GoalRecord[]): Html {
  const { site, csrf } = context;
  const draft = context.draft?.section === 'funnels' ? context.draft : undefined;
  const rows = stepRows(draft?.steps ?? []);
  // Back to the section, not the top of a long page; formnovalidate lets a step change while the name is empty.
  const edit = html`formaction="${sitePath(site)}/funnels/steps#funnels" formnovalidate`;
  // Enter in the name field presses the form's first submit button: this copy of Save, not a step's button.
  const enterSaves = html`<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">Save the funnel</button>`;
  const steps = rows.map((chosen, i) => {
    const id = `funnel-step-${i + 1}`;
    const options = goals.map((goal) => html`<option value="${goal.id}" ${String(goal.id) === chosen ? html`selected` : ''}>${goalDisplayName(goal)}</option>`);
    return html`<label for="${id}">Step ${i + 1}</label>
<div class="step-row"><select id="${id}" name="step" required><option value="">Choose a goal</option>${options}</select>${
      rows.length > MIN_FUNNEL_STEPS ? html`<button type="submit" name="remove_step" value="${i + 1}" ${edit} aria-label="Remove step ${i + 1}">Remove</button>` : ''
    }</div>`;
  });
  return html`<form method="post" action="${sitePath(site)}/funnels" class="form">
${errorOf(context, 'funnels')}${csrfField(csrf)}
${enterSaves}
<label for="funnel-name">Name</label>
<input id="funnel-name" name="name" required autocomplete="off" placeholder="e.g. Checkout" value="${draft?.name ?? ''}">
<fieldset><legend>Steps, in order</legend>
${steps}
${rows.length < MAX_FUNNEL_STEPS ? html`<button type="submit" name="add_step" value="1" ${edit}>Add a step</button>` : html`<p class="hint">${MAX_FUNNEL_STEPS} steps is the most a funnel has.</p>`}
</fieldset>
<p class="hint">A funnel of the same name gets these steps instead.</p>
<button type="submit">Save the funnel</button>
</form>`;
}
