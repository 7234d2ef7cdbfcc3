/** allTime(): a site's totals and one window of its pages, for the seed-compatible GET /stats. */
import type { AllTimeResult, ListWindow } from '../../types.js';
import { pageStages, readPages, readTotals, totalsStages } from './page-totals.js';
import { facetOutput, type PipelineQuery } from './pipeline-query.js';
import { matchSite } from './site-range.js';

/** The window keeps the one document $facet yields far below MongoDB's 16 MiB, however many pages a site has. */
export function allTimeQuery(site: string, pages: ListWindow): PipelineQuery<AllTimeResult> {
  return {
    pipeline: [matchSite(site), { $facet: { totals: totalsStages(), pages: pageStages('pageviews', pages) } }],
    read(rows) {
      const output = facetOutput(rows);
      return { ...readTotals(output.totals), pages: readPages(output.pages) };
    },
  };
}
