/**
 * The visits a stats query reads from their events instead of the visits collection: those the
 * range cuts in two (events on both sides of its start or of its end), whose part inside the range
 * is a visit of its own, and in a timeseries those spanning buckets, whose events count in each of
 * theirs. A visit crossing an instant started at most the site's longest visit before it, so the
 * look-up reads only the visits starting that close to the range.
 */
import type { TimeRange } from '../../types.js';
import { bucketIndex } from './bucket-index.js';
import { stage } from './expressions.js';
import { asNumber, type PipelineQuery } from './pipeline-query.js';

export function longestVisitQuery(site: string): PipelineQuery<number> {
  return {
    collection: 'visit_spans',
    pipeline: [stage({ $match: { _id: { $eq: site } } })],
    read: (rows) => asNumber((rows[0] as { longestMs?: unknown } | undefined)?.longestMs),
  };
}

/** The sessions of the visits the buckets' range cuts, or that span buckets. */
export function rebuiltSessionsQuery(site: string, buckets: readonly TimeRange[], longestMs: number): PipelineQuery<number[]> {
  const from = new Date(buckets[0]!.from);
  const to = new Date(buckets[buckets.length - 1]!.to);
  const split = buckets.length > 1 ? [{ $ne: [bucketIndex('$start', buckets), bucketIndex('$end', buckets)] }] : [];
  return {
    collection: 'visits',
    pipeline: [
      stage({ $match: { site: { $eq: site }, start: { $gte: new Date(from.getTime() - longestMs), $lt: to }, end: { $gte: from } } }),
      stage({ $project: { _id: 0, s: '$sessionId', rebuilt: { $or: [{ $lt: ['$start', from] }, { $gte: ['$end', to] }, ...split] } } }),
      stage({ $match: { rebuilt: true } }),
    ],
    read: (rows) => rows.map((row) => asNumber((row as { s: unknown }).s)),
  };
}
