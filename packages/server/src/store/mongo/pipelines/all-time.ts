/** allTime(): a site's totals and every page, for the seed-compatible GET /stats. */
import type { AllTimeResult } from '../../types.js';
import { pageStages, readPages, readTotals, totalsStages } from './page-totals.js';
import { facetOutput, type PipelineQuery } from './pipeline-query.js';
import { matchSite } from './site-range.js';

export function allTimeQuery(site: string): PipelineQuery<AllTimeResult> {
  return {
    pipeline: [matchSite(site), { $facet: { totals: totalsStages(), pages: pageStages('pageviews') } }],
    read(rows) {
      const output = facetOutput(rows);
      return { ...readTotals(output.totals), pages: readPages(output.pages) };
    },
  };
}
