/** The port's read side as pipelines; any engine that can run a pipeline can serve it. */
import { FIRST_THOUSAND, type StatsQueries, type StatsReader } from '../../types.js';
import { allTimeQuery } from './all-time.js';
import { breakdownQuery } from './breakdown.js';
import { funnelQuery } from './funnel.js';
import type { RunPipeline } from './pipeline-query.js';
import { summaryQuery } from './summary.js';
import { aggregateQuery, timeseriesQuery } from './timeseries.js';

export function pipelineStatsReader(run: RunPipeline): StatsReader & StatsQueries {
  return {
    summary: (request) => run('summary', summaryQuery(request)),
    allTime: (site, pages = FIRST_THOUSAND) => run('allTime', allTimeQuery(site, pages)),
    aggregate: (query) => run('aggregate', aggregateQuery(query)),
    timeseries: (query) => (query.buckets.length === 0 ? Promise.resolve([]) : run('timeseries', timeseriesQuery(query))),
    breakdown: (query) => run('breakdown', breakdownQuery(query)),
    funnel: (query) => run('funnel', funnelQuery(query)),
  };
}
