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
  type FunnelQuery,
  type FunnelResponse,
  type SeedStatsResponse,
  type SummaryQuery,
  type SummaryResponse,
  type TimeseriesQuery,
  type TimeseriesResponse,
} from '@sightline/shared';
import type { ReadThrough } from '../cache/cached.js';
import { countActive } from '../ingest/active-visitors.js';
import { InvalidQuery } from '../domain-errors.js';
import { goalBreakdownRows, GOAL_BREAKDOWN_METRICS } from '../goals/goal-breakdown.js';
import { funnelSteps, resolveFunnel } from '../goals/funnel-answer.js';
import { portFilters, splitFilters, type SplitFilters } from '../goals/goal-query.js';
import type { Definitions, SiteRecord, StatsFilter, StatsQueries, StatsReader, TimeRange } from '../store/types.js';
import type { VisitState } from '../visits/types.js';
import { LIVE_TTL_MS, ttlFor } from './cache-policy.js';
import { change, countedMetrics, eventMetricsOnly, statsMetricValues } from './metrics.js';
import { dayRange } from './period.js';
import { bucketsOf, defaultInterval, resolvePeriod } from './periods.js';
import { normalizeFilters, shortName, toProperty } from './query-model.js';

/** An answer as JSON text, whether the cache already had it, and how long it may be reused. */
export interface CachedAnswer {
  body: string;
  hit: boolean;
  ttlMs: number;
}

export interface StatsAnswersDeps {
  store: StatsQueries & StatsReader & Pick<Definitions, 'listGoals' | 'listFunnels'>;
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

/** conversion_rate is a share of the visitors without the goal filter: it needs one, or a goal breakdown. */
function needsGoal(metrics: readonly string[], split: SplitFilters): boolean {
  if (!metrics.includes('conversion_rate')) return false;
  if (split.goals === undefined) throw new InvalidQuery('conversion_rate needs an event:goal filter, or a breakdown by event:goal');
  return true;
}

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
    const split = splitFilters(filters);
    const converting = needsGoal(query.metrics, split);
    return this.read(key, ttlFor(range.to, now), async (): Promise<AggregateResponse> => {
      const eventMeasuresOnly = eventMetricsOnly(countedMetrics(query.metrics));
      const all = portFilters(split);
      const measure = (over: TimeRange, filters: StatsFilter[], only = eventMeasuresOnly) =>
        this.deps.store.aggregate({ site: site.domain, range: over, filters, eventMeasuresOnly: only });
      const totalVisitors = async (over: TimeRange) => (converting ? (await measure(over, split.others, true)).visitors : undefined);
      const [current, currentTotal, before, beforeTotal] = await Promise.all([
        measure(range, all),
        totalVisitors(range),
        compare ? measure(previous, all) : undefined,
        compare ? totalVisitors(previous) : undefined,
      ]);
      const values = statsMetricValues(current, query.metrics, currentTotal);
      const previousValues = before === undefined ? undefined : statsMetricValues(before, query.metrics, beforeTotal);
      const results: AggregateResponse['results'] = {};
      for (const metric of query.metrics) {
        const value = values[metric]!;
        results[metric] = previousValues === undefined ? { value } : { value, change: change(metric, value, previousValues[metric]!) };
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
    const split = splitFilters(filters);
    const converting = needsGoal(query.metrics, split);
    return this.read(key, ttlFor(range.to, now), async (): Promise<TimeseriesResponse> => {
      // Only on a miss: labelling every bucket in the site's zone is the costly part of the request.
      const buckets = bucketsOf(range, interval, site.timezone);
      const read = (filters: StatsFilter[], eventMeasuresOnly: boolean) =>
        this.deps.store.timeseries({ site: site.domain, buckets: buckets.map(({ from, to }) => ({ from, to })), filters, eventMeasuresOnly });
      const [measures, totals] = await Promise.all([
        read(portFilters(split), eventMetricsOnly(countedMetrics(query.metrics))),
        converting ? read(split.others, true) : undefined,
      ]);
      return {
        results: buckets.map((bucket, i) => ({ date: bucket.label, ...statsMetricValues(measures[i]!, query.metrics, totals?.[i]!.visitors) })),
      };
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
    const split = splitFilters(filters);
    const property = query.property;
    if (property === 'event:goal') {
      const unsupported = query.metrics.filter((metric) => !GOAL_BREAKDOWN_METRICS.includes(metric));
      if (unsupported.length > 0) throw new InvalidQuery(`a breakdown by event:goal has the metrics ${GOAL_BREAKDOWN_METRICS.join(', ')}, not ${unsupported.join(', ')}`);
      return this.goalBreakdown(site, query, split, range, now);
    }
    const converting = needsGoal(query.metrics, split);
    return this.read(key, ttlFor(range.to, now), async (): Promise<BreakdownResponse> => {
      const counted = countedMetrics(query.metrics);
      const read = (filters: StatsFilter[], eventMeasuresOnly: boolean, paged: boolean) =>
        this.deps.store.breakdown({
          site: site.domain,
          range,
          filters,
          property: toProperty(property),
          eventMeasuresOnly,
          // conversion_rate is not counted by the store: a page asked to rank by it ranks by visitors.
          ...(paged ? { page: { rankBy: counted[0]!, offset: (query.page - 1) * query.limit, limit: query.limit } } : {}),
        });
      // The visitors without the goal filter, of every group: the page's groups are not known before.
      const [rows, totals] = await Promise.all([
        read(portFilters(split), eventMetricsOnly(counted), true),
        converting ? read(split.others, true, false) : undefined,
      ]);
      const totalOf = new Map(totals?.map((row) => [row.value, row.measures.visitors]));
      const name = shortName(property);
      return { results: rows.map((row) => ({ [name]: row.value, ...statsMetricValues(row.measures, query.metrics, totalOf.get(row.value)) })) };
    });
  }

  /**
   * One row per goal of the site (or per goal a goal filter names) with a conversion in the
   * period: its visitors and events, and conversion_rate over the visitors without the goal filter.
   */
  private async goalBreakdown(site: SiteRecord, query: BreakdownQuery, split: SplitFilters, range: TimeRange, now: number): Promise<CachedAnswer> {
    const goals = await this.deps.store.listGoals(site.domain);
    const key = v1Key('goals', site.domain, {
      range: rangeKey(query.period, range),
      metrics: query.metrics,
      filters: normalizeFilters(query.filters ?? []),
      goals: goals.map((goal) => [goal.type, goal.value]),
      limit: query.limit,
      page: query.page,
    });
    return this.read(key, ttlFor(range.to, now), async (): Promise<BreakdownResponse> => {
      const rows = await goalBreakdownRows(this.deps.store, { site: site.domain, range, split, goals, metrics: query.metrics });
      const offset = (query.page - 1) * query.limit;
      return { results: rows.slice(offset, offset + query.limit) };
    });
  }

  /** Visitors per step of one of the site's funnels, with conversion and drop-off between steps. */
  async funnel(site: SiteRecord, query: FunnelQuery, now: number): Promise<CachedAnswer> {
    const { range } = resolvePeriod(query, site.timezone, now);
    const filters = normalizeFilters(query.filters ?? []);
    const split = splitFilters(filters);
    const funnel = await resolveFunnel(this.deps.store, site.domain, query.funnel);
    const key = v1Key('funnel', site.domain, {
      range: rangeKey(query.period, range),
      filters,
      funnel: [funnel.id, funnel.name, funnel.steps.map((goal) => [goal.type, goal.value])],
    });
    return this.read(key, ttlFor(range.to, now), async (): Promise<FunnelResponse> => {
      const visitors = await this.deps.store.funnel({ site: site.domain, range, filters: portFilters(split), steps: funnel.steps });
      return { funnel: { id: funnel.id, name: funnel.name }, steps: funnelSteps(funnel.steps, visitors) };
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
