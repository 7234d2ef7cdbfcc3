/**
 * Managing a site's goals and funnels, for the Sites API and the CLI alike. Each outcome that is
 * not a success is a value the caller words in its own terms (an HTTP status, a CLI message).
 */
import { randomInt } from 'node:crypto';
import {
  goalDisplayName,
  MAX_FUNNELS_PER_SITE,
  MAX_GOALS_PER_SITE,
  type CreateGoalRequest,
  type Funnel,
  type Goal,
  type GoalDefinition,
} from '@sightline/shared';
import type { Definitions, FunnelRecord, GoalRecord } from '../store/types.js';

/** Ids are drawn at random, so neither store needs a counter; 2^31 keeps them plain JSON numbers in every client. */
const newId = () => randomInt(1, 2 ** 31 - 1);

export const goalJson = (goal: GoalRecord): Goal => ({
  id: goal.id,
  display_name: goalDisplayName(goal),
  goal_type: goal.type,
  event_name: goal.type === 'event' ? goal.value : null,
  page_path: goal.type === 'page' ? goal.value : null,
});

/** A step whose goal is gone (deleted by another server between its check and the delete) is left out. */
export function funnelJson(funnel: FunnelRecord, goals: readonly GoalRecord[]): Funnel {
  const byId = new Map(goals.map((goal) => [goal.id, goal]));
  const steps = funnel.steps.map((id) => byId.get(id)).filter((goal): goal is GoalRecord => goal !== undefined);
  return { id: funnel.id, name: funnel.name, steps: steps.map(goalJson) };
}

/** The goal a request asks for, whether it came over HTTP, from a form or from the CLI. */
export const goalOfRequest = (request: CreateGoalRequest): GoalDefinition =>
  request.goal_type === 'event' ? { type: 'event', value: request.event_name } : { type: 'page', value: request.page_path };

/** `created` is false when the site already had the goal, which the web admin's form points out. */
export type GoalAdded = { ok: true; goal: GoalRecord; created: boolean } | { ok: false; reason: 'too many goals' };

/** Adds the goal, or answers the site's same goal: putting a goal twice is harmless, as in Plausible. */
export async function addGoal(store: Definitions, site: string, definition: GoalDefinition, now: number): Promise<GoalAdded> {
  const goals = await store.listGoals(site);
  const same = goals.find((goal) => goal.type === definition.type && goal.value === definition.value);
  if (same !== undefined) return { ok: true, goal: same, created: false };
  if (goals.length >= MAX_GOALS_PER_SITE) return { ok: false, reason: 'too many goals' };
  return { ok: true, goal: await store.putGoal({ id: newId(), site, ...definition, createdAt: now }), created: true };
}

export type GoalDeleted = { ok: true } | { ok: false; reason: 'unknown goal' } | { ok: false; reason: 'in funnels'; funnels: string[] };

/** A goal a funnel has as a step stays until the funnel is deleted or redefined without it. */
export async function removeGoal(store: Definitions, site: string, id: number): Promise<GoalDeleted> {
  const funnels = (await store.listFunnels(site)).filter((funnel) => funnel.steps.includes(id));
  if (!(await store.listGoals(site)).some((goal) => goal.id === id)) return { ok: false, reason: 'unknown goal' };
  if (funnels.length > 0) return { ok: false, reason: 'in funnels', funnels: funnels.map((funnel) => funnel.name) };
  return (await store.deleteGoal(site, id)) ? { ok: true } : { ok: false, reason: 'unknown goal' };
}

export type FunnelPut =
  | { ok: true; funnel: FunnelRecord; goals: GoalRecord[] }
  | { ok: false; reason: 'unknown steps'; steps: string[] }
  | { ok: false; reason: 'repeated step'; step: string }
  | { ok: false; reason: 'too many funnels' };

/** Steps name goals by display name or id; a funnel of the same name gets the new steps. */
export async function putFunnel(store: Definitions, site: string, name: string, steps: ReadonlyArray<string | number>, now: number): Promise<FunnelPut> {
  const goals = await store.listGoals(site);
  const resolved = steps.map((step) =>
    goals.find((goal) => (typeof step === 'number' ? goal.id === step : goalDisplayName(goal) === step || String(goal.id) === step)),
  );
  const unknown = steps.filter((_step, i) => resolved[i] === undefined).map(String);
  if (unknown.length > 0) return { ok: false, reason: 'unknown steps', steps: unknown };
  const ids = resolved.map((goal) => goal!.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) return { ok: false, reason: 'repeated step', step: goalDisplayName(goals.find((goal) => goal.id === repeated)!) };
  const funnels = await store.listFunnels(site);
  if (!funnels.some((funnel) => funnel.name === name) && funnels.length >= MAX_FUNNELS_PER_SITE) return { ok: false, reason: 'too many funnels' };
  const funnel = await store.putFunnel({ id: newId(), site, name, steps: ids, createdAt: now });
  return { ok: true, funnel, goals };
}

/** Describes a failed change in one sentence. */
export function failureMessage(failure: Exclude<GoalAdded | GoalDeleted | FunnelPut, { ok: true }>, site: string): string {
  switch (failure.reason) {
    case 'too many goals':
      return `site ${site} has ${MAX_GOALS_PER_SITE} goals, the most it may have; delete one first`;
    case 'unknown goal':
      return `site ${site} has no such goal`;
    case 'in funnels':
      return `the goal is a step of the funnel${failure.funnels.length === 1 ? '' : 's'} ${failure.funnels.map((name) => `"${name}"`).join(', ')}; delete or redefine ${failure.funnels.length === 1 ? 'it' : 'them'} first`;
    case 'unknown steps':
      return `site ${site} has no goal ${failure.steps.map((step) => `"${step}"`).join(', ')}; add it first (goal_type event or page)`;
    case 'repeated step':
      return `the goal "${failure.step}" is more than one step; each step is a different goal`;
    case 'too many funnels':
      return `site ${site} has ${MAX_FUNNELS_PER_SITE} funnels, the most it may have; delete one first`;
  }
}
