/**
 * When the event measures come from the per-day rollups, decided exactly as the embedded store
 * decides (sqlite/queries/event-measures.ts): only visitors, pageviews and events asked for, and
 * no filter, or grouped by a rolled-up field (page, name) with only exact filters on that field;
 * and at least one bucket holds a whole rollup day, none of whose whole days is pending a recount
 * (pending-spans.ts). Everything else reads the events.
 */
import { pageOfGroups } from '../../breakdown-page.js';
import { splitDays } from '../../rollup-days.js';
import type { BreakdownQuery, BreakdownRow, Measures, StatsQuery, TimeseriesQuery } from '../../types.js';
import type { RollupField } from '../rollup-writes.js';
import { readsEventsOnly } from './event-measures.js';
import { readMeasures } from './measures.js';
import type { PendingCheck } from './pending-spans.js';
import type { RunPipeline } from './pipeline-query.js';
import { edgeEventsQuery, rollupGroupsQuery, rollupDaysQuery, seenVisitorsQuery, withEdges, type RollupKey, type RollupRow } from './rollup-measures.js';

type QueryFilter = StatsQuery['filters'][number];
type ExactOnField = Extract<QueryFilter, { match: string }>;

/** An exact filter on the grouped field keeps or drops whole groups. */
const onGroupValue = (filter: QueryFilter, field: RollupField): filter is ExactOnField =>
  'property' in filter && filter.match === 'exact' && filter.property.scope === 'event' && filter.property.field === field;

const isRolledUp = (field: string): field is Exclude<RollupField, '*'> => field === 'page' || field === 'name';

async function rollupRows(run: RunPipeline, pending: PendingCheck, method: string, site: string, field: RollupField, key: RollupKey, buckets: StatsQuery['range'][]): Promise<RollupRow[] | null> {
  const days = await run(method, rollupDaysQuery(site));
  const splits = buckets.map((bucket) => splitDays(bucket, days));
  const whole = splits.filter(({ lo, hi }) => hi > lo);
  if (whole.length === 0) return null;
  const wholeDays = { from: days.start(Math.min(...whole.map((s) => s.lo))), to: days.start(Math.max(...whole.map((s) => s.hi))) };
  if (await pending(method, site, wholeDays)) return null;
  const byValue = key.by === 'value';
  const rows = await run(method, rollupGroupsQuery(site, field, splits, byValue));
  if (!splits.some(({ edges }) => edges.length > 0)) return rows;
  const edges = await run(method, edgeEventsQuery(site, splits, key));
  if (edges.length === 0) return rows;
  const seen = await run(method, seenVisitorsQuery(site, field, splits, [...new Set(edges.map((edge) => edge.visitorId))]));
  return withEdges(rows, edges, seen, splits, byValue);
}

/** A timeseries (an aggregate is one bucket) from the rollups, or null when it must read the events. */
export async function rolledUpTimeseries(run: RunPipeline, pending: PendingCheck, method: string, query: TimeseriesQuery): Promise<Measures[] | null> {
  if (!readsEventsOnly(query) || query.filters.length > 0) return null;
  const rows = await rollupRows(run, pending, method, query.site, '*', { by: 'bucket', buckets: query.buckets }, query.buckets);
  if (rows === null) return null;
  const byBucket = new Map(rows.map((row) => [row.k, row]));
  return query.buckets.map((_bucket, index) => readMeasures(byBucket.get(index) as Record<string, unknown> | undefined));
}

/** A breakdown by page or event name from the rollups, or null when it must read the events. */
export async function rolledUpBreakdown(run: RunPipeline, pending: PendingCheck, query: BreakdownQuery): Promise<BreakdownRow[] | null> {
  const { property } = query;
  if (property.scope !== 'event' || !isRolledUp(property.field) || !readsEventsOnly(query, property)) return null;
  const field = property.field;
  const filters = query.filters.filter((filter) => onGroupValue(filter, field));
  if (filters.length !== query.filters.length) return null;
  const rows = await rollupRows(run, pending, 'breakdown', query.site, field, { by: 'value', property }, [query.range]);
  if (rows === null) return null;
  const groups = rows
    .filter((row) => filters.every((filter) => filter.values.includes(row.k as string) !== filter.negated))
    .map((row) => ({ value: row.k === null ? null : String(row.k), measures: readMeasures(row as unknown as Record<string, unknown>) }));
  return query.page === undefined ? groups : pageOfGroups(groups, query.page, (group) => group.measures, (group) => group.value);
}
