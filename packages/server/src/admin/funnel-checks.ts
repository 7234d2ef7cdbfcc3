/**
 * Checking a funnel form before it is saved, and wording its refusals by step number: the form
 * sends goal ids, which the person never saw, so "step 3" says what the API's words cannot.
 */
import { CreateFunnelRequestSchema, MIN_FUNNEL_STEPS, type CreateFunnelRequest } from '@sightline/shared';
import { failureMessage, type FunnelPut } from '../goals/definitions.js';
import type { FunnelDraft } from './goal-drafts.js';

export type FunnelChecked = { ok: true; request: CreateFunnelRequest } | { ok: false; message: string };

/** A step's select sends a goal id; a number resolves only by id, never as a goal named with digits. */
const stepOf = (value: string) => (/^\d{1,10}$/.test(value) ? Number(value) : value);

/** Numbers of the steps, counted from 1, whose select sent a value `matches` picks. */
const stepNumbers = (draft: FunnelDraft, matches: (value: string) => boolean) =>
  draft.steps.flatMap((value, i) => (matches(value) ? [i + 1] : []));

/** "2", "2 and 3", "1, 2 and 3". */
const listed = (numbers: number[]) => (numbers.length < 2 ? String(numbers[0]) : `${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`);

/** Every problem at once, in the form's order (name, then steps), so one correction is enough. */
export function checkFunnelDraft(site: string, draft: FunnelDraft): FunnelChecked {
  const [blank] = stepNumbers(draft, (value) => value === '');
  const chosen = draft.steps.filter((value) => value !== '').map(stepOf);
  const parsed = CreateFunnelRequestSchema.safeParse({ site_id: site, name: draft.name, steps: chosen });
  if (blank === undefined && parsed.success) return { ok: true, request: parsed.data };
  // With a step left empty the count is wrong too; "choose a goal for step 2" says how to fix both.
  const issues = parsed.success ? [] : parsed.error.issues.filter((issue) => blank === undefined || issue.path[0] !== 'steps');
  const problems = issues.map((issue) => issue.message);
  if (blank !== undefined) problems.push(`choose a goal for step ${blank}${draft.steps.length > MIN_FUNNEL_STEPS ? ', or remove the step' : ''}`);
  return { ok: false, message: problems.join('; ') };
}

/** Why the store refused the funnel, naming the steps concerned. */
export function funnelRefusal(failure: Exclude<FunnelPut, { ok: true }>, draft: FunnelDraft, site: string): string {
  if (failure.reason === 'unknown steps') {
    const gone = stepNumbers(draft, (value) => failure.steps.includes(String(stepOf(value))));
    if (gone.length === 1) return `the goal chosen for step ${gone[0]} no longer exists; choose another`;
    if (gone.length > 1) return `the goals chosen for steps ${listed(gone)} no longer exist; choose others`;
  }
  if (failure.reason === 'repeated step') {
    const twice = draft.steps.find((value, i) => draft.steps.indexOf(value) !== i);
    const at = stepNumbers(draft, (value) => value === twice);
    if (at.length > 1) return `"${failure.step}" is chosen for steps ${listed(at)}; each step is a different goal`;
  }
  return failureMessage(failure, site);
}
