/**
 * The goal side of a stats query: an `event:goal==` filter turned into the port's event filters,
 * and which of a site's goals a goal breakdown lists. Goal filter values are display names
 * (`Signup`, `Visit /blog/*`), as in Plausible; `*` matches any characters in either kind.
 */
import { GOAL_PROPERTY, goalDisplayName, goalOfDisplayName, type GoalDefinition, type ParsedFilter, type PropertyName } from '@sightline/shared';
import { goalAlternatives } from '../store/goal-filters.js';
import type { Filter, GoalRecord, StatsFilter } from '../store/types.js';
import { toFilter } from '../stats/query-model.js';

export interface SplitFilters {
  /** The goals of the `event:goal` filter, or undefined without one. */
  goals: GoalDefinition[] | undefined;
  /** Every other filter, in the port's terms. */
  others: Filter[];
}

/**
 * The port's filters for "an event completing any of these goals". Goals of one kind are plain
 * event filters, which the stores can answer from their quicker paths (the rollups by name); a
 * custom event and a page in one filter are an OR only a goal filter says.
 */
export function goalsAsFilters(goals: readonly GoalDefinition[]): StatsFilter[] {
  const alternatives = goalAlternatives(goals);
  return alternatives.length === 1 ? alternatives[0]! : [{ goals: [...goals] }];
}

export function splitFilters(filters: readonly ParsedFilter[]): SplitFilters {
  const goal = filters.find((filter) => filter.property === GOAL_PROPERTY);
  const others = filters
    .filter((filter): filter is ParsedFilter & { property: PropertyName } => filter.property !== GOAL_PROPERTY)
    .map(toFilter);
  return { goals: goal?.values.map(goalOfDisplayName), others };
}

/** All the filters of a query, the goal filter included. */
export function portFilters(split: SplitFilters): StatsFilter[] {
  return split.goals === undefined ? split.others : [...split.others, ...goalsAsFilters(split.goals)];
}

const wildcardRegex = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[\\^$.+?()[\]{}|]/g, '\\$&')).join('[\\s\\S]*')}$`);

/** The site's goals a breakdown lists: all of them, or those a goal filter names. */
export function goalsListed(goals: readonly GoalRecord[], filterGoals: readonly GoalDefinition[] | undefined): GoalRecord[] {
  if (filterGoals === undefined) return [...goals];
  const patterns = filterGoals.map((goal) => wildcardRegex(goalDisplayName(goal)));
  return goals.filter((goal) => patterns.some((pattern) => pattern.test(goalDisplayName(goal))));
}
