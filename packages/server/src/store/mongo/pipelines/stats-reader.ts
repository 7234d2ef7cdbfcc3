/**
 * The port's read side as pipelines; any engine that can run a pipeline can serve it. Visit
 * measures without event filters read the visits collection, after two look-ups that find the
 * visits the range cuts (cut-visits.ts); everything else reads the events.
 */
import { FIRST_THOUSAND, type StatsQueries, type StatsReader, type TimeRange } from '../../types.js';
import { allTimeQuery } from './all-time.js';
import { breakdownQuery, storedBreakdownQuery } from './breakdown.js';
import { longestVisitQuery, rebuiltSessionsQuery } from './cut-visits.js';
import { funnelQuery } from './funnel.js';
import type { RunPipeline } from './pipeline-query.js';
import { readsStoredVisits } from './stored-visits.js';
import { summaryQuery } from './summary.js';
import { aggregateQuery, storedAggregateQuery, storedTimeseriesQuery, timeseriesQuery } from './timeseries.js';

export function pipelineStatsReader(run: RunPipeline): StatsReader & StatsQueries {
  const rebuilt = async (method: string, site: string, buckets: readonly TimeRange[]) =>
    run(method, rebuiltSessionsQuery(site, buckets, await run(method, longestVisitQuery(site))));
  return {
    summary: (request) => run('summary', summaryQuery(request)),
    allTime: (site, pages = FIRST_THOUSAND) => run('allTime', allTimeQuery(site, pages)),
    aggregate: async (query) =>
      readsStoredVisits(query)
        ? run('aggregate', storedAggregateQuery(query, await rebuilt('aggregate', query.site, [query.range])))
        : run('aggregate', aggregateQuery(query)),
    timeseries: async (query) => {
      if (query.buckets.length === 0) return [];
      if (!readsStoredVisits(query)) return run('timeseries', timeseriesQuery(query));
      return run('timeseries', storedTimeseriesQuery(query, await rebuilt('timeseries', query.site, query.buckets)));
    },
    breakdown: async (query) => {
      const { property } = query;
      if (property.scope !== 'visit' || !readsStoredVisits(query, property)) return run('breakdown', breakdownQuery(query));
      return run('breakdown', storedBreakdownQuery({ ...query, property }, await rebuilt('breakdown', query.site, [query.range])));
    },
    funnel: (query) => run('funnel', funnelQuery(query)),
  };
}
