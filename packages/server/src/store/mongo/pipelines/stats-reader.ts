/** The port's read side as pipelines; any engine that can run a pipeline can serve it. */
import { pageOfGroups } from '../../breakdown-page.js';
import { FIRST_THOUSAND, type StatsQueries, type StatsReader } from '../../types.js';
import { allTimeQuery } from './all-time.js';
import { breakdownQuery } from './breakdown.js';
import type { RunPipeline } from './pipeline-query.js';
import { summaryQuery } from './summary.js';
import { aggregateQuery, timeseriesQuery } from './timeseries.js';

export function pipelineStatsReader(run: RunPipeline): StatsReader & StatsQueries {
  return {
    summary: (request) => run('summary', summaryQuery(request)),
    allTime: (site, pages = FIRST_THOUSAND) => run('allTime', allTimeQuery(site, pages)),
    aggregate: (query) => run('aggregate', aggregateQuery(query)),
    timeseries: (query) => (query.buckets.length === 0 ? Promise.resolve([]) : run('timeseries', timeseriesQuery(query))),
    // The groups are ranked here, after the pipeline: its memory is the MongoDB store's own issue.
    breakdown: async (query) => {
      const rows = await run('breakdown', breakdownQuery(query));
      return query.page === undefined ? rows : pageOfGroups(rows, query.page, (row) => row.measures, (row) => row.value);
    },
  };
}
