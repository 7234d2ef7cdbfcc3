/**
 * Visitors, pageviews and events from the per-day rollups (store/mongo/rollup-writes.ts) for the
 * whole rollup days of each bucket, and from the events for the parts of days at its edges, as
 * the embedded store reads its own (sqlite/queries/event-measures.ts). Four small pipelines: the
 * site's time zone, the groups with the repeat correction, the edge events per (key, visitor),
 * and those visitors' rows in the bucket's whole days, since an edge's visitor counts only when
 * the whole days did not count them already. Only the few edge rows are merged in process.
 */
import type { PipelineStage } from 'mongoose';
import { fixedDays, zoneDays, type DaySplit, type RollupDays } from '../../rollup-days.js';
import type { Property, TimeRange } from '../../types.js';
import { ROLLUP_COLLECTIONS, type RollupField } from '../rollup-writes.js';
import { bucketIndex } from './bucket-index.js';
import { eventFactStage } from './event-facts.js';
import { literal, stage, type Expression } from './expressions.js';
import { eventValue } from './filters.js';
import { asNumber, type PipelineQuery } from './pipeline-query.js';

/** What a rollup read groups by: the bucket of a timeseries (or the one bucket of an aggregate), or the value of a breakdown's property. */
export type RollupKey = { by: 'bucket'; buckets: readonly TimeRange[] } | { by: 'value'; property: Extract<Property, { scope: 'event' }> };

export interface RollupRow {
  k: string | number | null;
  visitors: number;
  pageviews: number;
  events: number;
}

/** The site's rollup days; UTC's for a site not stored, as its events were counted (store/mongo/rollups.ts). */
export function rollupDaysQuery(site: string): PipelineQuery<RollupDays> {
  return {
    collection: 'sites',
    pipeline: [stage({ $match: { _id: { $eq: site } } }), stage({ $project: { _id: 0, timezone: 1, createdAt: 1 } })],
    read(rows) {
      const site = rows[0] as { timezone: string; createdAt: Date } | undefined;
      return site === undefined ? fixedDays(0) : zoneDays(site.timezone);
    },
  };
}

/** The index of the split whose whole days hold `day`, -1 for a day no bucket holds whole. */
function splitIndex(day: Expression, splits: readonly DaySplit[]): Expression {
  const whole = splits.flatMap((split, index) => (split.hi > split.lo ? [{ ...split, index }] : []));
  const search = (low: number, high: number): Expression => {
    if (low === high) return { $cond: [{ $lt: [day, whole[low]!.hi] }, whole[low]!.index, -1] };
    const middle = Math.ceil((low + high) / 2);
    return { $cond: [{ $lt: [day, whole[middle]!.lo] }, search(low, middle - 1), search(middle, high)] };
  };
  return search(0, whole.length - 1);
}

const dayRange = (splits: readonly DaySplit[]) => ({
  $gte: Math.min(...splits.filter((s) => s.hi > s.lo).map((s) => s.lo)),
  $lt: Math.max(...splits.map((s) => s.hi)),
});

/**
 * The groups of the whole days summed per key, less the repeats: per key, each flagged id's rows
 * beyond its first (rows counted once per day an id was seen). Reads rollup documents only.
 */
export function rollupGroupsQuery(site: string, field: RollupField, splits: readonly DaySplit[], byValue: boolean): PipelineQuery<RollupRow[]> {
  const key = byValue ? '$value' : splitIndex('$day', splits);
  const match = { site: { $eq: site }, field: { $eq: field }, day: dayRange(splits) };
  return {
    collection: 'day_groups',
    pipeline: [
      stage({ $match: match }),
      stage({ $project: { _id: 0, k: key, visitors: 1, pageviews: 1, events: 1 } }),
      stage({
        $unionWith: {
          coll: ROLLUP_COLLECTIONS.visitors,
          pipeline: [
            { $match: { ...match, multi: true } },
            { $group: { _id: { k: key, v: '$visitorId' }, n: { $sum: 1 } } },
            { $project: { _id: 0, k: '$_id.k', visitors: { $add: [1, { $multiply: [-1, '$n']}] }, pageviews: literal(0), events: literal(0) } },
          ],
        },
      }),
      stage({ $match: { $nor: [{ k: { $eq: -1 } }] } }),
      stage({ $group: { _id: '$k', visitors: { $sum: '$visitors' }, pageviews: { $sum: '$pageviews' }, events: { $sum: '$events' } } }),
    ],
    read: (rows) =>
      rows.map((row) => {
        const { _id, visitors, pageviews, events } = row as Record<string, unknown>;
        return { k: (_id ?? null) as RollupRow['k'], visitors: asNumber(visitors), pageviews: asNumber(pageviews), events: asNumber(events) };
      }),
  };
}

export interface EdgeRow {
  k: string | number | null;
  visitorId: number;
  pageviews: number;
  events: number;
}

/** The counted events of the edges, per (key, visitor): at most a day's worth at each end of a bucket. */
export function edgeEventsQuery(site: string, splits: readonly DaySplit[], key: RollupKey): PipelineQuery<EdgeRow[]> {
  const edges = splits.flatMap((split) => split.edges);
  const eventKey = key.by === 'value' ? eventValue(key.property) : bucketIndex('$ts', key.buckets);
  return {
    pipeline: [
      stage({
        $match: { 'meta.site': { $eq: site }, $or: edges.map(([from, to]) => ({ ts: { $gte: new Date(from), $lt: new Date(to) } })) },
      }),
      eventFactStage([], eventKey),
      stage({ $match: { pass: 1 } }),
      stage({ $group: { _id: { k: '$k', v: '$visitorId' }, pageviews: { $sum: '$pv' }, events: { $sum: '$custom' } } }),
    ],
    read: (rows) =>
      rows.map((row) => {
        const { _id, pageviews, events } = row as { _id: { k?: string | number | null; v: number }; pageviews: unknown; events: unknown };
        return { k: _id.k ?? null, visitorId: _id.v, pageviews: asNumber(pageviews), events: asNumber(events) };
      }),
  };
}

export interface SeenRow {
  visitorId: number;
  value: string | null;
  day: number;
}

/** The edge visitors' rows in the whole days of the range. */
export function seenVisitorsQuery(site: string, field: RollupField, splits: readonly DaySplit[], visitorIds: readonly number[]): PipelineQuery<SeenRow[]> {
  return {
    collection: 'day_visitors',
    pipeline: [
      stage({ $match: { site: { $eq: site }, field: { $eq: field }, visitorId: { $in: visitorIds }, day: dayRange(splits) } }),
      stage({ $project: { _id: 0, visitorId: 1, value: 1, day: 1 } }),
    ],
    read: (rows) => rows.map((row) => ({ ...(row as SeenRow), value: (row as { value?: string | null }).value ?? null })),
  };
}

/**
 * Adds the edges to the rollups' rows: counts always, a visitor only when no row of theirs (with
 * the key's value, in a breakdown) lies in the whole days of the bucket the edge belongs to.
 */
export function withEdges(rows: readonly RollupRow[], edges: readonly EdgeRow[], seen: readonly SeenRow[], splits: readonly DaySplit[], byValue: boolean): RollupRow[] {
  const days = new Map<string, number[]>();
  for (const row of seen) {
    const at = `${row.visitorId}\u0000${byValue ? (row.value ?? '') : ''}`;
    days.set(at, [...(days.get(at) ?? []), row.day]);
  }
  const byKey = new Map(rows.map((row) => [row.k, { ...row }]));
  for (const edge of edges) {
    let row = byKey.get(edge.k);
    if (row === undefined) {
      row = { k: edge.k, visitors: 0, pageviews: 0, events: 0 };
      byKey.set(edge.k, row);
    }
    row.pageviews += edge.pageviews;
    row.events += edge.events;
    const { lo, hi } = splits[byValue ? 0 : (edge.k as number)]!;
    const at = `${edge.visitorId}\u0000${byValue ? (edge.k ?? '') : ''}`;
    if (!(days.get(at) ?? []).some((day) => day >= lo && day < hi)) row.visitors++;
  }
  return [...byKey.values()];
}
