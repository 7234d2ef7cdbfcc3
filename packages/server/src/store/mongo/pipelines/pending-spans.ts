/**
 * The spans of a site whose visits and rollups may be wrong until the maintenance run: days a
 * failed or abandoned batch left (store/mongo/dirty-days.ts) and the days a time zone recount has
 * not reached yet (store/mongo/site-rebuilds.ts). A stats read that would take rollups or stored
 * visits over one of them reads the events instead: slower, but exact.
 */
import type { TimeRange } from '../../types.js';
import { ABANDONED_AFTER_MS, DIRTY_DAY_COLLECTION } from '../dirty-days.js';
import { REBUILD_COLLECTION } from '../site-rebuilds.js';
import { stage } from './expressions.js';
import type { PipelineQuery, RunPipeline } from './pipeline-query.js';

const asInstant = (value: unknown, open: number) => (value === null || value === undefined ? open : (value as Date).getTime());

/** A batch still running has a fresh token; only due ones count. A rebuild's null bounds are open. */
export function pendingSpansQuery(site: string, now: number): PipelineQuery<TimeRange[]> {
  return {
    collection: DIRTY_DAY_COLLECTION,
    pipeline: [
      stage({ $match: { site: { $eq: site }, 'pending.at': { $lt: new Date(now - ABANDONED_AFTER_MS) } } }),
      stage({ $project: { _id: 0, from: 1, to: 1 } }),
      stage({ $unionWith: { coll: REBUILD_COLLECTION, pipeline: [{ $match: { _id: { $eq: site } } }, { $project: { _id: 0, from: 1, to: 1 } }] } }),
    ],
    read: (rows) =>
      rows.map((row) => {
        const { from, to } = row as { from?: unknown; to?: unknown };
        return { from: asInstant(from, Number.NEGATIVE_INFINITY), to: asInstant(to, Number.POSITIVE_INFINITY) };
      }),
  };
}

/** Whether a read of `range` must take the events: some of it is pending a recount. */
export type PendingCheck = (method: string, site: string, range: TimeRange) => Promise<boolean>;

export function pendingCheck(run: RunPipeline, now: () => number): PendingCheck {
  return async (method, site, range) => {
    const spans = await run(method, pendingSpansQuery(site, now()));
    return spans.some((span) => span.from < range.to && span.to > range.from);
  };
}
