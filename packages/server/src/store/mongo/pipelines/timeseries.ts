/**
 * timeseries() and aggregate(): measures per bucket. An event counts in the bucket its time falls
 * in, a visit in the bucket of its first event, so a visit spanning buckets is counted once.
 * aggregate() is the one-bucket case. Reading only event measures, no visits are formed (event-measures.ts).
 */
import type { PipelineStage } from 'mongoose';
import type { Measures, StatsQuery, TimeRange, TimeseriesQuery } from '../../types.js';
import { stage } from './expressions.js';
import { bucketIndex } from './bucket-index.js';
import { readMeasures } from './measures.js';
import { asNumber, facetOutput, type PipelineQuery } from './pipeline-query.js';
import { eventMeasureStages, readsEventsOnly } from './event-measures.js';
import { storedVisitRowStages } from './stored-visits.js';
import { visitRowStages } from './visits.js';

const perBucket = (rows: readonly unknown[]) => new Map(rows.map((row) => [asNumber((row as { _id: unknown })._id), row as Record<string, unknown>]));

export function timeseriesQuery(query: TimeseriesQuery): PipelineQuery<Measures[]> {
  const { buckets } = query;
  if (buckets.length === 0) throw new Error('a timeseries needs at least one bucket');
  const range = { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to };
  if (readsEventsOnly(query)) {
    return {
      pipeline: eventMeasureStages(query.site, range, query.filters, bucketIndex('$ts', buckets)),
      read(rows) {
        const events = perBucket(rows);
        return buckets.map((_bucket, index) => readMeasures(events.get(index)));
      },
    };
  }
  return bucketMeasures(visitRowStages(query.site, range, query.filters, bucketIndex('$ts', buckets)), buckets);
}

/** The same answer with the visits read from the visits collection (stored-visits.ts). */
export function storedTimeseriesQuery(query: TimeseriesQuery, rebuilt: readonly number[]): PipelineQuery<Measures[]> {
  const rows = storedVisitRowStages(query.site, query.buckets, query.filters, true, rebuilt);
  return { collection: 'visits', ...bucketMeasures(rows, query.buckets) };
}

/**
 * Measures per bucket from visit rows keyed by their events' bucket, so a visit has one row per
 * bucket it has events in: its visit measures go to the bucket of its first event.
 */
function bucketMeasures(rowStages: PipelineStage[], buckets: readonly TimeRange[]): PipelineQuery<Measures[]> {
  return {
    pipeline: [
      ...rowStages,
      // At most one document per bucket leaves each facet, so the one $facet document stays small.
      stage({
        $facet: {
          visits: [
            {
              $group: {
                _id: '$s',
                firstTs: { $first: '$firstTs' },
                bounce: { $first: '$bounce' },
                visitPageviews: { $first: '$visitPageviews' },
                engagementMs: { $first: '$engagementMs' },
              },
            },
            {
              $group: {
                _id: bucketIndex('$firstTs', buckets),
                visits: { $sum: 1 },
                bounces: { $sum: '$bounce' },
                visitPageviews: { $sum: '$visitPageviews' },
                engagementMs: { $sum: '$engagementMs' },
              },
            },
          ],
          events: [
            { $group: { _id: { bucket: '$k', visitor: '$v' }, pageviews: { $sum: '$pageviews' }, events: { $sum: '$events' } } },
            { $group: { _id: '$_id.bucket', visitors: { $sum: 1 }, pageviews: { $sum: '$pageviews' }, events: { $sum: '$events' } } },
          ],
        },
      }),
    ],
    read(rows) {
      const output = facetOutput(rows);
      const visits = perBucket(output.visits ?? []);
      const events = perBucket(output.events ?? []);
      return buckets.map((_bucket, index) => readMeasures({ ...visits.get(index), ...events.get(index) }));
    },
  };
}

export function aggregateQuery(query: StatsQuery): PipelineQuery<Measures> {
  return oneBucket(timeseriesQuery({ ...query, buckets: [query.range] }));
}

export function storedAggregateQuery(query: StatsQuery, rebuilt: readonly number[]): PipelineQuery<Measures> {
  return oneBucket(storedTimeseriesQuery({ ...query, buckets: [query.range] }, rebuilt));
}

const oneBucket = (query: PipelineQuery<Measures[]>): PipelineQuery<Measures> => ({ ...query, read: (rows) => query.read(rows)[0]! });
