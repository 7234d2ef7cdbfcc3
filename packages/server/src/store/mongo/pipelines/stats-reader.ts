/**
 * The port's read side as pipelines; any engine that can run a pipeline can serve it. Visit
 * measures without event filters read the visits collection, after two look-ups that find the
 * visits the range cuts (cut-visits.ts); unfiltered event measures read the per-day rollups where
 * a bucket holds whole days (rollup-reads.ts); everything else reads the events.
 */
import { FIRST_THOUSAND, type StatsQueries, type StatsReader, type TimeRange } from '../../types.js';
import { allTimeQuery } from './all-time.js';
import { breakdownQuery, storedBreakdownQuery } from './breakdown.js';
import { longestVisitQuery, rebuiltSessionsQuery } from './cut-visits.js';
import { funnelQuery } from './funnel.js';
import type { RunPipeline } from './pipeline-query.js';
import { rolledUpBreakdown, rolledUpTimeseries } from './rollup-reads.js';
import { readsStoredVisits } from './stored-visits.js';
import { summaryQuery } from './summary.js';
import { aggregateQuery, storedAggregateQuery, storedTimeseriesQuery, timeseriesQuery } from './timeseries.js';

export function pipelineStatsReader(run: RunPipeline): StatsReader & StatsQueries {
  const rebuilt = async (method: string, site: string, buckets: readonly TimeRange[]) =>
    run(method, rebuiltSessionsQuery(site, buckets, await run(method, longestVisitQuery(site))));
  return {
    summary: (request) => run('summary', summaryQuery(request)),
    allTime: (site, pages = FIRST_THOUSAND) => run('allTime', allTimeQuery(site, pages)),
    aggregate: async (query) => {
      if (readsStoredVisits(query)) return run('aggregate', storedAggregateQuery(query, await rebuilt('aggregate', query.site, [query.range])));
      const rolledUp = await rolledUpTimeseries(run, 'aggregate', { ...query, buckets: [query.range] });
      return rolledUp?.[0] ?? run('aggregate', aggregateQuery(query));
    },
    timeseries: async (query) => {
      if (query.buckets.length === 0) return [];
      if (!readsStoredVisits(query)) return (await rolledUpTimeseries(run, 'timeseries', query)) ?? run('timeseries', timeseriesQuery(query));
      return run('timeseries', storedTimeseriesQuery(query, await rebuilt('timeseries', query.site, query.buckets)));
    },
    breakdown: async (query) => {
      const { property } = query;
      if (property.scope !== 'visit' || !readsStoredVisits(query, property)) {
        return (await rolledUpBreakdown(run, query)) ?? run('breakdown', breakdownQuery(query));
      }
      return run('breakdown', storedBreakdownQuery({ ...query, property }, await rebuilt('breakdown', query.site, [query.range])));
    },
    funnel: (query) => run('funnel', funnelQuery(query)),
  };
}
