/** GET /api/v1/stats/timeseries: metrics per minute, hour, day, week or month, empty buckets as zeros. */
import { TimeseriesQuerySchema, type TimeseriesResponse } from '@sightline/shared';
import { Router } from 'express';
import { parseOr400 } from '../http/parse.js';
import { eventMetricsOnly, metricValues } from './metrics.js';
import { bucketsOf, defaultInterval, resolvePeriod } from './periods.js';
import { normalizeFilters, toFilter } from './query-model.js';
import { answer, cacheKey, rangeKey, type V1Deps } from './v1-request.js';

export function timeseriesRoute(deps: V1Deps): Router {
  const router = Router();
  router.get('/api/v1/stats/timeseries', async (req, res) => {
    const query = parseOr400(TimeseriesQuerySchema, req.query, 'query');
    const site = await deps.access.authorize(req, query.site_id, 'stats:read');
    const { range } = resolvePeriod(query, site.timezone, deps.clock.now());
    const interval = query.interval ?? defaultInterval(query.period);
    const filters = normalizeFilters(query.filters ?? []);
    const key = cacheKey('timeseries', site.domain, { range: rangeKey(query.period, range), interval, metrics: query.metrics, filters });
    await answer(res, deps, key, range, async (): Promise<TimeseriesResponse> => {
      // Only on a miss: labelling every bucket in the site's zone is the costly part of the request.
      const buckets = bucketsOf(range, interval, site.timezone);
      const measures = await deps.queries.timeseries({
        site: site.domain,
        buckets: buckets.map(({ from, to }) => ({ from, to })),
        filters: filters.map(toFilter),
        eventMeasuresOnly: eventMetricsOnly(query.metrics),
      });
      return { results: buckets.map((bucket, i) => ({ date: bucket.label, ...metricValues(measures[i]!, query.metrics) })) };
    });
  });
  return router;
}
