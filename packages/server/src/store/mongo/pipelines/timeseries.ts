/**
 * timeseries() and aggregate(): measures per bucket. An event counts in the bucket its time falls
 * in, a visit in the bucket of its first event, so a visit spanning buckets is counted once.
 * aggregate() is the one-bucket case.
 */
import type { Measures, StatsQuery, TimeseriesQuery } from '../../types.js';
import { stage } from './expressions.js';
import { bucketIndex } from './bucket-index.js';
import { readMeasures } from './measures.js';
import { asNumber, facetOutput, type PipelineQuery } from './pipeline-query.js';
import { visitRowStages } from './visits.js';

export function timeseriesQuery(query: TimeseriesQuery): PipelineQuery<Measures[]> {
  const { buckets } = query;
  if (buckets.length === 0) throw new Error('a timeseries needs at least one bucket');
  const range = { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to };
  return {
    pipeline: [
      // The rows are keyed by their events' bucket, so a visit has one row per bucket it has events in.
      ...visitRowStages(query.site, range, query.filters, bucketIndex('$ts', buckets)),
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
      const byBucket = (facet: unknown[] | undefined) =>
        new Map((facet ?? []).map((row) => [asNumber((row as { _id: unknown })._id), row as Record<string, unknown>]));
      const visits = byBucket(output.visits);
      const events = byBucket(output.events);
      return buckets.map((_bucket, index) => readMeasures({ ...visits.get(index), ...events.get(index) }));
    },
  };
}

export function aggregateQuery(query: StatsQuery): PipelineQuery<Measures> {
  const perBucket = timeseriesQuery({ site: query.site, buckets: [query.range], filters: query.filters });
  return { pipeline: perBucket.pipeline, read: (rows) => perBucket.read(rows)[0]! };
}
