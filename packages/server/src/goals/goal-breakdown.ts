/**
 * The rows of a breakdown by event:goal, from the store's counts: the custom event goals in one
 * breakdown by event name, the single-page goals in one breakdown of pageviews by page, each page
 * pattern in an aggregate of its own, and the visitors without any goal for conversion_rate, all
 * read at once.
 */
import { goalDisplayName, PAGEVIEW, type StatsMetric } from '@sightline/shared';
import { goalFilters } from '../store/goal-filters.js';
import type { Filter, GoalRecord, Measures, StatsQueries, TimeRange } from '../store/types.js';
import { statsMetricValues } from '../stats/metrics.js';
import { goalsListed, type SplitFilters } from './goal-query.js';

export const GOAL_BREAKDOWN_METRICS: readonly StatsMetric[] = ['visitors', 'events', 'conversion_rate'];

export interface GoalBreakdownRequest {
  site: string;
  range: TimeRange;
  split: SplitFilters;
  goals: readonly GoalRecord[];
  metrics: readonly StatsMetric[];
}

export type GoalRow = Record<string, string | number>;

export async function goalBreakdownRows(store: StatsQueries, request: GoalBreakdownRequest): Promise<GoalRow[]> {
  const { site, range, split, metrics } = request;
  const goals = goalsListed(request.goals, split.goals);
  const eventGoals = goals.filter((goal) => goal.type === 'event');
  // A page goal without * is one page: those are groups of one breakdown by page, like the event
  // goals are groups of one by name. A pattern spans pages, whose visitors do not add up.
  const exactPages = goals.filter((goal) => goal.type === 'page' && !goal.value.includes('*'));
  const patterns = goals.filter((goal) => goal.type === 'page' && goal.value.includes('*'));
  const exact = (field: 'name' | 'page', values: string[]): Filter => ({ property: { scope: 'event', field }, match: 'exact', values, negated: false });
  const groups = async (field: 'name' | 'page', among: readonly GoalRecord[], only: Filter[]): Promise<Map<string | null, Measures>> => {
    if (among.length === 0) return new Map();
    const filters = [...split.others, ...only, exact(field, among.map((goal) => goal.value))];
    const rows = await store.breakdown({ site, range, filters, property: { scope: 'event', field }, eventMeasuresOnly: true });
    return new Map(rows.map((row) => [row.value, row.measures]));
  };
  const aggregate = (filters: Filter[]) => store.aggregate({ site, range, filters, eventMeasuresOnly: true });
  const [names, pages, patterned, total] = await Promise.all([
    groups('name', eventGoals, []),
    groups('page', exactPages, [exact('name', [PAGEVIEW])]),
    Promise.all(patterns.map((goal) => aggregate([...split.others, ...goalFilters(goal)]))),
    metrics.includes('conversion_rate') ? aggregate(split.others) : undefined,
  ]);
  const measuresOf = (goal: GoalRecord) =>
    goal.type === 'event' ? names.get(goal.value) : goal.value.includes('*') ? patterned[patterns.indexOf(goal)] : pages.get(goal.value);
  const converted = goals
    .map((goal) => ({ name: goalDisplayName(goal), measures: measuresOf(goal) }))
    .filter((row): row is { name: string; measures: Measures } => row.measures !== undefined && row.measures.visitors > 0);
  // Most converting visitors first, then most events, then by name, so pages never overlap.
  converted.sort(
    (a, b) =>
      b.measures.visitors - a.measures.visitors ||
      b.measures.pageviews + b.measures.events - (a.measures.pageviews + a.measures.events) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return converted.map(({ name, measures }) => ({ goal: name, ...statsMetricValues(measures, metrics, total?.visitors) }) as GoalRow);
}
