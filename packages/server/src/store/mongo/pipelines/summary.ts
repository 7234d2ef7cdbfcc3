/** summary(): totals and top pages of one site over a range, in one pipeline. */
import type { SummaryRequest, SummaryResult } from '../../types.js';
import { pageStages, readPages, readTotals, totalsStages } from './page-totals.js';
import { facetOutput, type PipelineQuery } from './pipeline-query.js';
import { matchSite } from './site-range.js';

export function summaryQuery(request: SummaryRequest): PipelineQuery<SummaryResult> {
  return {
    pipeline: [
      matchSite(request.site, request),
      { $facet: { totals: totalsStages(), topPages: pageStages('visitors', { offset: 0, limit: request.limit }) } },
    ],
    read(rows) {
      const output = facetOutput(rows);
      return { ...readTotals(output.totals), topPages: readPages(output.topPages) };
    },
  };
}
