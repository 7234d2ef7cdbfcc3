/** GET /api/v1/stats/aggregate: metrics over a period, optionally against the period before. */
import { AggregateQuerySchema, type AggregateResponse } from '@sightline/shared';
import { Router } from 'express';
import { parseOr400 } from '../http/parse.js';
import { change, eventMetricsOnly, metricValue } from './metrics.js';
import { resolvePeriod } from './periods.js';
import { normalizeFilters, toFilter } from './query-model.js';
import { answer, cacheKey, rangeKey, type V1Deps } from './v1-request.js';

export function aggregateRoute(deps: V1Deps): Router {
  const router = Router();
  router.get('/api/v1/stats/aggregate', async (req, res) => {
    const query = parseOr400(AggregateQuerySchema, req.query, 'query');
    const site = await deps.access.authorize(req, query.site_id, 'stats:read');
    const { range, previous } = resolvePeriod(query, site.timezone, deps.clock.now());
    const filters = normalizeFilters(query.filters ?? []);
    const compare = query.compare === 'previous_period';
    const key = cacheKey('aggregate', site.domain, { range: rangeKey(query.period, range), metrics: query.metrics, filters, compare });
    await answer(res, deps, key, range, async (): Promise<AggregateResponse> => {
      const portFilters = filters.map(toFilter);
      const eventMeasuresOnly = eventMetricsOnly(query.metrics);
      const [current, before] = await Promise.all([
        deps.queries.aggregate({ site: site.domain, range, filters: portFilters, eventMeasuresOnly }),
        compare ? deps.queries.aggregate({ site: site.domain, range: previous, filters: portFilters, eventMeasuresOnly }) : undefined,
      ]);
      const results: AggregateResponse['results'] = {};
      for (const metric of query.metrics) {
        const value = metricValue(current, metric);
        results[metric] = before === undefined ? { value } : { value, change: change(metric, value, metricValue(before, metric)) };
      }
      return { results };
    });
  });
  return router;
}
