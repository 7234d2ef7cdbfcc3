/**
 * GET /api/v1/stats/breakdown: metrics per value of one property, sorted by the first metric
 * asked for (in the fixed order visitors, visits, pageviews, …) descending, then by value.
 */
import { BreakdownQuerySchema, type BreakdownResponse } from '@sightline/shared';
import { Router } from 'express';
import { parseOr400 } from '../http/parse.js';
import { eventMetricsOnly, metricValue, metricValues } from './metrics.js';
import { resolvePeriod } from './periods.js';
import { normalizeFilters, shortName, toFilter, toProperty } from './query-model.js';
import { answer, cacheKey, rangeKey, type V1Deps } from './v1-request.js';

/** Missing values (direct traffic, no prop) sort after every named one. */
function byValue(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function breakdownRoute(deps: V1Deps): Router {
  const router = Router();
  router.get('/api/v1/stats/breakdown', async (req, res) => {
    const query = parseOr400(BreakdownQuerySchema, req.query, 'query');
    const site = await deps.access.authorize(req, query.site_id, 'stats:read');
    const { range } = resolvePeriod(query, site.timezone, deps.clock.now());
    const filters = normalizeFilters(query.filters ?? []);
    const key = cacheKey('breakdown', site.domain, {
      range: rangeKey(query.period, range),
      property: query.property,
      metrics: query.metrics,
      filters,
      limit: query.limit,
      page: query.page,
    });
    await answer(res, deps, key, range, async (): Promise<BreakdownResponse> => {
      const rows = await deps.queries.breakdown({
        site: site.domain,
        range,
        filters: filters.map(toFilter),
        property: toProperty(query.property),
        eventMeasuresOnly: eventMetricsOnly(query.metrics),
      });
      const sortBy = query.metrics[0]!;
      const sorted = rows
        .map((row) => ({ row, rank: metricValue(row.measures, sortBy) }))
        .sort((a, b) => b.rank - a.rank || byValue(a.row.value, b.row.value));
      const start = (query.page - 1) * query.limit;
      const name = shortName(query.property);
      return {
        results: sorted
          .slice(start, start + query.limit)
          .map(({ row }) => ({ [name]: row.value, ...metricValues(row.measures, query.metrics) })),
      };
    });
  });
  return router;
}
