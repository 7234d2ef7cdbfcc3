/**
 * GET /api/v1/stats/breakdown: metrics per value of one property, sorted by the first metric
 * asked for (in the fixed order visitors, visits, pageviews, …) descending, then by value. The
 * store ranks and cuts the page, so an answer's memory follows `limit`, not the property's values.
 */
import { BreakdownQuerySchema, type BreakdownResponse } from '@sightline/shared';
import { Router } from 'express';
import { parseOr400 } from '../http/parse.js';
import { eventMetricsOnly, metricValues } from './metrics.js';
import { resolvePeriod } from './periods.js';
import { normalizeFilters, shortName, toFilter, toProperty } from './query-model.js';
import { answer, cacheKey, rangeKey, type V1Deps } from './v1-request.js';

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
        page: { rankBy: query.metrics[0]!, offset: (query.page - 1) * query.limit, limit: query.limit },
      });
      const name = shortName(query.property);
      return { results: rows.map((row) => ({ [name]: row.value, ...metricValues(row.measures, query.metrics) })) };
    });
  });
  return router;
}
