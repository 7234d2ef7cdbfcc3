/**
 * The goal side of a stats query: an `event:goal==` filter turned into the port's event filters,
 * and which of a site's goals a goal breakdown lists. Goal filter values are display names
 * (`Signup`, `Visit /blog/*`), as in Plausible; `*` matches any characters in either kind.
 */
import { GOAL_PROPERTY, goalDisplayName, goalOfDisplayName, PAGEVIEW, type GoalDefinition, type ParsedFilter, type PropertyName } from '@sightline/shared';
import { InvalidQuery } from '../domain-errors.js';
import type { Filter, GoalRecord } from '../store/types.js';
import { toFilter } from '../stats/query-model.js';

export interface SplitFilters {
  /** The goals of the `event:goal` filter, or undefined without one. */
  goals: GoalDefinition[] | undefined;
  /** Every other filter, in the port's terms. */
  others: Filter[];
}

const nameFilter = (values: string[]): Filter => ({
  property: { scope: 'event', field: 'name' },
  match: values.some((value) => value.includes('*')) ? 'wildcard' : 'exact',
  values,
  negated: false,
});

/**
 * The port's filters for "an event completing any of these goals". Goals of one kind are one
 * condition on each event; a custom event and a page in one filter would need an OR of the two,
 * which the port's filters (all of which must hold) cannot say.
 */
export function goalsAsFilters(goals: readonly GoalDefinition[]): Filter[] {
  const pages = goals.filter((goal) => goal.type === 'page').map((goal) => goal.value);
  const events = goals.filter((goal) => goal.type === 'event').map((goal) => goal.value);
  if (pages.length > 0 && events.length > 0) {
    throw new InvalidQuery(`an ${GOAL_PROPERTY} filter lists custom event goals or page goals ("Visit /path"), not both`);
  }
  // A custom event goal is never the tracker's own pageview, whatever its pattern.
  if (events.length > 0) return [nameFilter(events), { ...nameFilter([PAGEVIEW]), negated: true }];
  return [nameFilter([PAGEVIEW]), { property: { scope: 'event', field: 'page' }, match: 'wildcard', values: pages, negated: false }];
}

export function splitFilters(filters: readonly ParsedFilter[]): SplitFilters {
  const goal = filters.find((filter) => filter.property === GOAL_PROPERTY);
  const others = filters
    .filter((filter): filter is ParsedFilter & { property: PropertyName } => filter.property !== GOAL_PROPERTY)
    .map(toFilter);
  return { goals: goal?.values.map(goalOfDisplayName), others };
}

/** All the filters of a query, the goal filter included. */
export function portFilters(split: SplitFilters): Filter[] {
  return split.goals === undefined ? split.others : [...split.others, ...goalsAsFilters(split.goals)];
}

const wildcardRegex = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[\\^$.+?()[\]{}|]/g, '\\$&')).join('[\\s\\S]*')}$`);

/** The site's goals a breakdown lists: all of them, or those a goal filter names. */
export function goalsListed(goals: readonly GoalRecord[], filterGoals: readonly GoalDefinition[] | undefined): GoalRecord[] {
  if (filterGoals === undefined) return [...goals];
  const patterns = filterGoals.map((goal) => wildcardRegex(goalDisplayName(goal)));
  return goals.filter((goal) => patterns.some((pattern) => pattern.test(goalDisplayName(goal))));
}
