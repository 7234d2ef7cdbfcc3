/**
 * Goals in the port's filter terms, for any adapter: a custom event goal is its name, a page goal
 * a pageview whose path matches its pattern. Both hold per event, so they AND with other event filters.
 */
import { PAGEVIEW, type GoalDefinition } from '@sightline/shared';
import type { Filter } from './types.js';

const exactName = (name: string): Filter => ({ property: { scope: 'event', field: 'name' }, match: 'exact', values: [name], negated: false });

/** Values without `*` match exactly, which a store may look up rather than test one by one. */
const pattern = (field: 'name' | 'page', values: string[]): Filter => ({
  property: { scope: 'event', field },
  match: values.some((value) => value.includes('*')) ? 'wildcard' : 'exact',
  values,
  negated: false,
});

export function goalFilters(goal: GoalDefinition): Filter[] {
  if (goal.type === 'event') return [exactName(goal.value)];
  return [exactName(PAGEVIEW), pattern('page', [goal.value])];
}

/**
 * A GoalFilter's goals (store/types.ts) as one list of filters per kind of goal: the goals hold
 * for an event when every filter of one list does. `*` is a wildcard in either kind.
 */
export function goalAlternatives(goals: readonly GoalDefinition[]): Filter[][] {
  const events = goals.filter((goal) => goal.type === 'event').map((goal) => goal.value);
  const pages = goals.filter((goal) => goal.type === 'page').map((goal) => goal.value);
  const alternatives: Filter[][] = [];
  // A custom event goal is never the tracker's own pageview, whatever its pattern.
  if (events.length > 0) alternatives.push([pattern('name', events), { ...exactName(PAGEVIEW), negated: true }]);
  if (pages.length > 0) alternatives.push([exactName(PAGEVIEW), pattern('page', pages)]);
  return alternatives;
}
