/** The port's read side as pipelines; any engine that can run a pipeline can serve it. */
import type { StatsReader } from '../../types.js';
import { allTimeQuery } from './all-time.js';
import type { RunPipeline } from './pipeline-query.js';
import { summaryQuery } from './summary.js';

export function pipelineStatsReader(run: RunPipeline): StatsReader {
  return {
    summary: (request) => run('summary', summaryQuery(request)),
    allTime: (site) => run('allTime', allTimeQuery(site)),
  };
}
