/**
 * What was typed into the goal and funnel forms, read from the post so that a refused form, or a
 * funnel form with a step added or removed, comes back filled in rather than empty.
 */
import { LIMITS, MAX_FUNNEL_STEPS, MIN_FUNNEL_STEPS } from '@sightline/shared';
import type { Request } from 'express';
import { field, fields } from './forms.js';

export interface GoalDraft {
  section: 'goals';
  /** As sent: anything but `page` shows the custom event choice again. */
  type: string;
  eventName: string;
  pagePath: string;
}

export interface FunnelDraft {
  section: 'funnels';
  name: string;
  /** Each step's select in order: a goal id, or '' where none was chosen. */
  steps: string[];
}

// One character past each limit, so that an over-long value is refused rather than cut to fit.
export const goalDraftOf = (req: Request): GoalDraft => ({
  section: 'goals',
  type: field(req, 'goal_type', 10),
  eventName: field(req, 'event_name', LIMITS.maxEventNameLength + 1),
  pagePath: field(req, 'page_path', LIMITS.maxUrlLength + 1),
});

// One step past the most a funnel has is enough to refuse too many, and bounds what is kept.
export const funnelDraftOf = (req: Request): FunnelDraft => ({
  section: 'funnels',
  name: field(req, 'name', 200),
  steps: fields(req, 'step', 20).slice(0, MAX_FUNNEL_STEPS + 1),
});

/** The steps as the form's rows: at least the fewest a funnel has, at most the most. */
export function stepRows(steps: readonly string[]): string[] {
  const rows = steps.slice(0, MAX_FUNNEL_STEPS);
  while (rows.length < MIN_FUNNEL_STEPS) rows.push('');
  return rows;
}

/** The funnel form's step buttons: `remove_step` names a row from 1; any other press adds an empty row at the end. */
export function editedSteps(req: Request, draft: FunnelDraft): FunnelDraft {
  const rows = stepRows(draft.steps);
  const remove = field(req, 'remove_step', 2);
  return { ...draft, steps: stepRows(/^\d$/.test(remove) ? rows.filter((_step, i) => i + 1 !== Number(remove)) : [...rows, '']) };
}
