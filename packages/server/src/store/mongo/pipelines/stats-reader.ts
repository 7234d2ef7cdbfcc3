/**
 * The port's read side as pipelines; any engine that can run a pipeline can serve it. Visit
 * measures without event filters read the visits collection, after two look-ups that find the
 * visits the range cuts (cut-visits.ts); unfiltered event measures read the per-day rollups where
 * a bucket holds whole days (rollup-reads.ts); everything else, and any read over days pending a
 * recount (pending-spans.ts), reads the events.
 */
import { FIRST_THOUSAND, type StatsQueries, type StatsReader, type TimeRange } from '../../types.js';
import { allTimeQuery } from './all-time.js';
import { breakdownQuery, storedBreakdownQuery } from './breakdown.js';
import { longestVisitQuery, rebuiltSessionsQuery } from './cut-visits.js';
import { funnelQuery } from './funnel.js';
import { pendingCheck } from './pending-spans.js';
import type { RunPipeline } from './pipeline-query.js';
import { rolledUpBreakdown, rolledUpTimeseries } from './rollup-reads.js';
import { readsStoredVisits } from './stored-visits.js';
import { summaryQuery } from './summary.js';
import { aggregateQuery, storedAggregateQuery, storedTimeseriesQuery, timeseriesQuery } from './timeseries.js';

export function pipelineStatsReader(run: RunPipeline, now: () => number = Date.now): StatsReader & StatsQueries {
  const pending = pendingCheck(run, now);
  /**
   * The sessions to rebuild from their events, or null when a day the range's visits may have
   * events on (up to the site's longest visit past its end) is pending a recount.
   */
  const rebuilt = async (method: string, site: string, buckets: readonly TimeRange[]) => {
    const longestMs = await run(method, longestVisitQuery(site));
    const range = { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to + longestMs };
    return (await pending(method, site, range)) ? null : run(method, rebuiltSessionsQuery(site, buckets, longestMs));
  };
  return {
    summary: (request) => run('summary', summaryQuery(request)),
    allTime: (site, pages = FIRST_THOUSAND) => run('allTime', allTimeQuery(site, pages)),
    aggregate: async (query) => {
      if (readsStoredVisits(query)) {
        const sessions = await rebuilt('aggregate', query.site, [query.range]);
        return run('aggregate', sessions === null ? aggregateQuery(query) : storedAggregateQuery(query, sessions));
      }
      const rolledUp = await rolledUpTimeseries(run, pending, 'aggregate', { ...query, buckets: [query.range] });
      return rolledUp?.[0] ?? run('aggregate', aggregateQuery(query));
    },
    timeseries: async (query) => {
      if (query.buckets.length === 0) return [];
      if (!readsStoredVisits(query)) return (await rolledUpTimeseries(run, pending, 'timeseries', query)) ?? run('timeseries', timeseriesQuery(query));
      const sessions = await rebuilt('timeseries', query.site, query.buckets);
      return run('timeseries', sessions === null ? timeseriesQuery(query) : storedTimeseriesQuery(query, sessions));
    },
    breakdown: async (query) => {
      const { property } = query;
      if (property.scope !== 'visit' || !readsStoredVisits(query, property)) {
        return (await rolledUpBreakdown(run, pending, query)) ?? run('breakdown', breakdownQuery(query));
      }
      const sessions = await rebuilt('breakdown', query.site, [query.range]);
      return run('breakdown', sessions === null ? breakdownQuery(query) : storedBreakdownQuery({ ...query, property }, sessions));
    },
    funnel: (query) => run('funnel', funnelQuery(query)),
  };
}
