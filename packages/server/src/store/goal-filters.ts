/**
 * Goals in the port's filter terms, for any adapter: a custom event goal is its name, a page goal
 * a pageview whose path matches its pattern. Both hold per event, so they AND with other event filters.
 */
import { PAGEVIEW, type GoalDefinition } from '@sightline/shared';
import type { Filter } from './types.js';

const exactName = (name: string): Filter => ({ property: { scope: 'event', field: 'name' }, match: 'exact', values: [name], negated: false });

export function goalFilters(goal: GoalDefinition): Filter[] {
  if (goal.type === 'event') return [exactName(goal.value)];
  return [exactName(PAGEVIEW), { property: { scope: 'event', field: 'page' }, match: 'wildcard', values: [goal.value], negated: false }];
}
