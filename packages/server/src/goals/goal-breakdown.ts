/**
 * The rows of a breakdown by event:goal, from the store's counts: the custom event goals in one
 * breakdown by event name, each page goal in an aggregate of its own, and the visitors without
 * any goal for conversion_rate, all read at once.
 */
import { goalDisplayName, type StatsMetric } from '@sightline/shared';
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
  const pageGoals = goals.filter((goal) => goal.type === 'page');
  const aggregate = (filters: Filter[]) => store.aggregate({ site, range, filters, eventMeasuresOnly: true });
  const byName = (async (): Promise<Map<string | null, Measures>> => {
    if (eventGoals.length === 0) return new Map();
    const names: Filter = { property: { scope: 'event', field: 'name' }, match: 'exact', values: eventGoals.map((goal) => goal.value), negated: false };
    const rows = await store.breakdown({ site, range, filters: [...split.others, names], property: { scope: 'event', field: 'name' }, eventMeasuresOnly: true });
    return new Map(rows.map((row) => [row.value, row.measures]));
  })();
  const [names, pages, total] = await Promise.all([
    byName,
    Promise.all(pageGoals.map((goal) => aggregate([...split.others, ...goalFilters(goal)]))),
    metrics.includes('conversion_rate') ? aggregate(split.others) : undefined,
  ]);
  const measuresOf = (goal: GoalRecord) => (goal.type === 'event' ? names.get(goal.value) : pages[pageGoals.indexOf(goal)]);
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
