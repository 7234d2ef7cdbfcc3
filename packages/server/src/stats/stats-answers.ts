/**
 * The stats the API answers, between the routes and the store: a site, a parsed query and the
 * present instant in, a JSON answer out. Each answer resolves its period, normalizes its filters,
 * keys the cache, and on a miss queries the store and derives the metrics. Nothing here knows
 * HTTP; what cannot be answered is thrown as a domain error (domain-errors.ts).
 */
import { createHash } from 'node:crypto';
import {
  SEED_PAGES_PER_ANSWER,
  type AggregateQuery,
  type AggregateResponse,
  type BreakdownQuery,
  type BreakdownResponse,
  type SeedStatsResponse,
  type SummaryQuery,
  type SummaryResponse,
  type TimeseriesQuery,
  type TimeseriesResponse,
} from '@sightline/shared';
import type { ReadThrough } from '../cache/cached.js';
import { countActive } from '../ingest/active-visitors.js';
import type { SiteRecord, StatsQueries, StatsReader, TimeRange } from '../store/types.js';
import type { VisitState } from '../visits/types.js';
import { LIVE_TTL_MS, ttlFor } from './cache-policy.js';
import { change, eventMetricsOnly, metricValue, metricValues } from './metrics.js';
import { dayRange } from './period.js';
import { bucketsOf, defaultInterval, resolvePeriod } from './periods.js';
import { normalizeFilters, shortName, toFilter, toProperty } from './query-model.js';

/** An answer as JSON text, whether the cache already had it, and how long it may be reused. */
export interface CachedAnswer {
  body: string;
  hit: boolean;
  ttlMs: number;
}

export interface StatsAnswersDeps {
  store: StatsQueries & StatsReader;
  cached: ReadThrough;
  /** Where the visitors seen in the last minutes are counted. */
  visits: VisitState;
}

/**
 * The key holds the query as resolved (UTC instants, metrics in their fixed order, filters
 * sorted), so the order and spelling of parameters never split the cache, while "today"
 * becomes a new key at the site's midnight. A sliding 30-minute range is keyed by its name.
 */
function v1Key(endpoint: string, site: string, resolved: Record<string, unknown>): string {
  const digest = createHash('sha256').update(JSON.stringify(resolved)).digest('base64url');
  return `stats:v1:${endpoint}:${site}:${digest}`;
}

const rangeKey = (period: string, range: TimeRange) => (period === '30m' ? '30m' : [range.from, range.to]);

/** POST /track stores page "home" as path "/home"; /stats answers in the caller's terms again. */
const pageIdOf = (path: string) => (path.length > 1 ? path.slice(1) : path);

export class StatsAnswers {
  constructor(private readonly deps: StatsAnswersDeps) {}

  /** Metrics over a period, optionally against the period before. */
  aggregate(site: SiteRecord, query: AggregateQuery, now: number): Promise<CachedAnswer> {
    const { range, previous } = resolvePeriod(query, site.timezone, now);
    const filters = normalizeFilters(query.filters ?? []);
    const compare = query.compare === 'previous_period';
    const key = v1Key('aggregate', site.domain, { range: rangeKey(query.period, range), metrics: query.metrics, filters, compare });
    return this.read(key, ttlFor(range.to, now), async (): Promise<AggregateResponse> => {
      const portFilters = filters.map(toFilter);
      const eventMeasuresOnly = eventMetricsOnly(query.metrics);
      const [current, before] = await Promise.all([
        this.deps.store.aggregate({ site: site.domain, range, filters: portFilters, eventMeasuresOnly }),
        compare ? this.deps.store.aggregate({ site: site.domain, range: previous, filters: portFilters, eventMeasuresOnly }) : undefined,
      ]);
      const results: AggregateResponse['results'] = {};
      for (const metric of query.metrics) {
        const value = metricValue(current, metric);
        results[metric] = before === undefined ? { value } : { value, change: change(metric, value, metricValue(before, metric)) };
      }
      return { results };
    });
  }

  /** Metrics per bucket of the interval, empty buckets as zeros. */
  timeseries(site: SiteRecord, query: TimeseriesQuery, now: number): Promise<CachedAnswer> {
    const { range } = resolvePeriod(query, site.timezone, now);
    const interval = query.interval ?? defaultInterval(query.period);
    const filters = normalizeFilters(query.filters ?? []);
    const key = v1Key('timeseries', site.domain, { range: rangeKey(query.period, range), interval, metrics: query.metrics, filters });
    return this.read(key, ttlFor(range.to, now), async (): Promise<TimeseriesResponse> => {
      // Only on a miss: labelling every bucket in the site's zone is the costly part of the request.
      const buckets = bucketsOf(range, interval, site.timezone);
      const measures = await this.deps.store.timeseries({
        site: site.domain,
        buckets: buckets.map(({ from, to }) => ({ from, to })),
        filters: filters.map(toFilter),
        eventMeasuresOnly: eventMetricsOnly(query.metrics),
      });
      return { results: buckets.map((bucket, i) => ({ date: bucket.label, ...metricValues(measures[i]!, query.metrics) })) };
    });
  }

  /**
   * One page of metrics per value of a property, ranked by the first metric asked for. The store
   * ranks and cuts the page, so an answer's memory follows `limit`, not the property's values.
   */
  breakdown(site: SiteRecord, query: BreakdownQuery, now: number): Promise<CachedAnswer> {
    const { range } = resolvePeriod(query, site.timezone, now);
    const filters = normalizeFilters(query.filters ?? []);
    const key = v1Key('breakdown', site.domain, {
      range: rangeKey(query.period, range),
      property: query.property,
      metrics: query.metrics,
      filters,
      limit: query.limit,
      page: query.page,
    });
    return this.read(key, ttlFor(range.to, now), async (): Promise<BreakdownResponse> => {
      const rows = await this.deps.store.breakdown({
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
  }

  /** Visitors seen in the last five minutes; never cached, it is one counter read. */
  realtimeVisitors(site: SiteRecord, now: number): Promise<number> {
    return countActive(this.deps.visits, site.domain, now);
  }

  /** Pageviews, visitors and top pages over a range of the site's calendar days. */
  summary(site: SiteRecord, query: SummaryQuery, now: number): Promise<CachedAnswer> {
    const range = dayRange(site.timezone, now, query.from, query.to);
    const key = `stats:summary:${site.domain}:${range.fromDay}:${range.toDay}:${query.limit}`;
    return this.read(key, ttlFor(range.to, now), async (): Promise<SummaryResponse> => {
      const result = await this.deps.store.summary({ site: site.domain, from: range.from, to: range.to, limit: query.limit });
      return {
        site: site.domain,
        from: range.fromDay,
        to: range.toDay,
        timezone: site.timezone,
        pageviews: result.pageviews,
        visitors: result.visitors,
        top_pages: result.topPages,
      };
    });
  }

  /** The first version's all-time totals, overall and per page, a thousand pages per answer. */
  seedStats(site: SiteRecord, page: number): Promise<CachedAnswer> {
    return this.read(`stats:seed:${site.domain}:${page}`, LIVE_TTL_MS, async (): Promise<SeedStatsResponse> => {
      const pages = { offset: (page - 1) * SEED_PAGES_PER_ANSWER, limit: SEED_PAGES_PER_ANSWER };
      const result = await this.deps.store.allTime(site.domain, pages);
      return {
        total_views: result.pageviews,
        unique_visitors: result.visitors,
        pages: result.pages.map((page) => ({ page_id: pageIdOf(page.page), views: page.pageviews, unique_visitors: page.visitors })),
      };
    });
  }

  private async read(key: string, ttlMs: number, compute: () => Promise<unknown>): Promise<CachedAnswer> {
    const { body, hit } = await this.deps.cached.get(key, ttlMs, compute);
    return { body, hit, ttlMs };
  }
}
