/**
 * A breakdown page cut in memory, for groups a store has merged in process: the same order as
 * the API's (stats/metrics.ts values descending, then value, missing values last).
 */
import { metricValue } from '../stats/metrics.js';
import type { BreakdownPage, Measures } from './types.js';

export function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function pageOfGroups<T>(groups: T[], page: BreakdownPage, measures: (group: T) => Measures, value: (group: T) => string | number | null): T[] {
  const ranked = groups.map((group) => ({ group, rank: metricValue(measures(group), page.rankBy) }));
  ranked.sort((a, b) => b.rank - a.rank || compareValues(value(a.group), value(b.group)));
  return ranked.slice(page.offset, page.offset + page.limit).map(({ group }) => group);
}
