import type { GoalDefinition, Metric } from '@sightline/shared';
import type { AccountStore } from './accounts.js';

/**
 * The storage port. Everything the server keeps durably goes through this interface;
 * it speaks domain types only, so SQLite and MongoDB stay inside their adapters.
 */

/** An event as it is stored: enriched, with nothing that identifies a person. */
export interface StoredEvent {
  site: string;
  /** Milliseconds since the epoch, UTC. */
  ts: number;
  name: string;
  path: string;
  hostname: string;
  referrer: string | null;
  referrerSource: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  screenWidth: number | null;
  /** Keyed hash of the visitor; not reversible, and not linkable across days. */
  visitorId: number;
  sessionId: number;
  engagementMs: number | null;
  props: Record<string, string>;
  /** The sender's id for the event: another event of the site with the same id within EVENT_ID_MEMORY_MS is not stored. */
  eventId?: string;
}

/** How long a store remembers event ids: a retry comes within minutes, a day is the promise, two leave room. */
export const EVENT_ID_MEMORY_MS = 2 * 24 * 60 * 60 * 1000;

export interface SiteRecord {
  domain: string;
  timezone: string;
  createdAt: number;
  /** Stats readable without a key. Absent means false. */
  public?: boolean;
  /** Whether events from pages on subdomains count; absent: the server's ALLOW_SUBDOMAINS. */
  allowSubdomains?: boolean;
}

export interface TimeRange {
  /** Inclusive, ms since the epoch. */
  from: number;
  /** Exclusive, ms since the epoch. */
  to: number;
}

export interface SummaryRequest extends TimeRange {
  site: string;
  limit: number;
}

export interface PageTotals {
  page: string;
  pageviews: number;
  visitors: number;
}

export interface SummaryResult {
  pageviews: number;
  visitors: number;
  topPages: PageTotals[];
}

export interface AllTimeResult {
  pageviews: number;
  visitors: number;
  /** The requested window of the site's pages, by pageviews descending, then by page. */
  pages: PageTotals[];
}

/** The entries `offset` to `offset + limit` of a ranked list. */
export interface ListWindow {
  offset: number;
  limit: number;
}

/** What allTime answers without a window: the first thousand pages, so an answer never grows with a site's pages. */
export const FIRST_THOUSAND: ListWindow = { offset: 0, limit: 1000 };

// ---------------------------------------------------------------------------------------------
// Stats queries. The route layer has already turned periods into UTC instants and buckets in the
// site's time zone (DST included), validated every name, and will round and sort the answers, so
// adapters only filter, group and count. Definitions (docs/stats-api.md has the long form):
//
// - Counted events: pageviews and custom events. `engagement` events are never counted as
//   events, never make a visitor or a visit by themselves, and only feed bounces and duration.
// - A visit is a session (sessionId) restricted to the range: its events with from <= ts < to.
//   Its visit attributes (source, referrer, utm_*, country, browser, os, device) are those of its
//   first event in the range; entry_page / exit_page are the paths of its first / last pageview
//   in the range (null without one). Events with the same ts are ordered as they arrived.
// - Filters on visit properties keep whole visits; filters on event properties keep events.
//   A visit is counted when it passes the visit filters and has at least one counted event that
//   passes the event filters. Event measures (visitors, pageviews, events) count the passing
//   counted events of counted visits; visit measures (visits, bounces, visitPageviews,
//   engagementMs) are over the whole of each counted visit in the range.
// ---------------------------------------------------------------------------------------------

export type EventField = 'page' | 'name' | 'hostname';
export type VisitField =
  | 'entry_page'
  | 'exit_page'
  | 'source'
  | 'referrer'
  | 'utm_source'
  | 'utm_medium'
  | 'utm_campaign'
  | 'utm_term'
  | 'utm_content'
  | 'country'
  | 'browser'
  | 'os'
  | 'device';

/**
 * What can be filtered on or grouped by. `page` is StoredEvent.path, `source` is referrerSource,
 * `utm_source` is utmSource and so on; a prop is StoredEvent.props[key] (missing = null).
 */
export type Property =
  | { scope: 'event'; field: EventField }
  | { scope: 'prop'; key: string }
  | { scope: 'visit'; field: VisitField };

/**
 * Holds when the property's value matches any of `values` (or, `negated`, none of them).
 * `exact`: equal; `wildcard`: `*` stands for any run of characters (possibly empty), everything
 * else is literal and the whole value must match; `contains`: substring. All case-sensitive.
 * A missing value (null, absent prop) matches nothing, so a negated filter keeps it.
 */
export interface Filter {
  property: Property;
  match: 'exact' | 'wildcard' | 'contains';
  values: string[];
  negated: boolean;
}

export type VisitFilter = Filter & { property: Extract<Property, { scope: 'visit' }> };

/**
 * Holds for an event that completes any of `goals`: a custom event (never a pageview) whose name
 * matches an event goal, or a pageview whose path matches a page goal, `*` as in `wildcard` for
 * both. It is the one OR across properties a query has (Plausible's
 * `event:goal==Signup|Visit /pricing`), and like an event filter it holds per event.
 */
export interface GoalFilter {
  goals: GoalDefinition[];
}

/** What a stats query filters by. */
export type StatsFilter = Filter | GoalFilter;

export const isGoalFilter = (filter: StatsFilter): filter is GoalFilter => 'goals' in filter;
export const isVisitFilter = (filter: StatsFilter): filter is VisitFilter => !isGoalFilter(filter) && filter.property.scope === 'visit';

/** Counts from which every API metric is derived (outside the store, by stats/metrics.ts). */
export interface Measures {
  /** Distinct visitorId over the passing counted events. */
  visitors: number;
  /** Counted visits. */
  visits: number;
  /** Passing pageviews. */
  pageviews: number;
  /** Passing custom events (name is neither pageview nor engagement); the API's events metric adds pageviews. */
  events: number;
  /**
   * Counted visits with exactly one pageview, no custom event and under BOUNCE_ENGAGED_MS of
   * engagement in total (visits the tracker saw looked at for 10 s or more are engaged).
   */
  bounces: number;
  /** All pageviews of the counted visits, passing the event filters or not. */
  visitPageviews: number;
  /** Sum of engagementMs over all engagement events of the counted visits. */
  engagementMs: number;
}

export const BOUNCE_ENGAGED_MS = 10_000;

/**
 * Set when only visitors, pageviews and events will be read: a store may then skip the work
 * per visit and answer 0 for the visit measures. Ignoring it is always correct.
 */
export interface EventMeasuresHint {
  eventMeasuresOnly?: boolean;
}

export interface StatsQuery extends EventMeasuresHint {
  site: string;
  range: TimeRange;
  /** All must hold (AND). */
  filters: StatsFilter[];
}

export interface TimeseriesQuery extends EventMeasuresHint {
  site: string;
  /**
   * Consecutive half-open buckets in ascending order: buckets[i].to === buckets[i + 1].from.
   * An event belongs to the bucket its ts falls in; a visit to the bucket of its first event
   * in the whole range, so a visit is counted once even when it spans buckets.
   */
  buckets: TimeRange[];
  filters: StatsFilter[];
}

/**
 * One page of a breakdown's groups, ranked by a metric (as stats/metrics.ts computes it from the
 * measures) descending, then by value with missing values last. The store then never holds more
 * groups in memory than the page, however many values the property has.
 */
export interface BreakdownPage {
  rankBy: Metric;
  offset: number;
  limit: number;
}

export interface BreakdownQuery extends StatsQuery {
  property: Property;
  /** Absent: every group, in any order. */
  page?: BreakdownPage;
}

/**
 * One group of a breakdown. For an event property or a prop, a visit belongs to every group of
 * its passing counted events; for a visit property, to the group of its attribute.
 */
export interface BreakdownRow {
  value: string | null;
  measures: Measures;
}

/**
 * A funnel's steps are goals: a custom event goal matches counted events of that name, a page
 * goal pageviews whose path matches its pattern (`*` as in a wildcard filter).
 */
export interface FunnelQuery extends StatsQuery {
  steps: GoalDefinition[];
}

export interface StatsQueries {
  aggregate(query: StatsQuery): Promise<Measures>;
  /**
   * Visitors per step: a visitor counts at step n when one of their counted visits has passing
   * events completing steps 1..n in that order (ts, then arrival), others allowed in between.
   */
  funnel(query: FunnelQuery): Promise<number[]>;
  /** One entry per bucket, same order; empty buckets are all zeros. */
  timeseries(query: TimeseriesQuery): Promise<Measures[]>;
  /** Every group with a passing counted event, in any order, or with `page` that page of them in its order. */
  breakdown(query: BreakdownQuery): Promise<BreakdownRow[]>;
}

// Sites' API keys. The secret is shown once at creation; only its SHA-256 is stored.
export type KeyScope = 'stats:read' | 'sites:admin';

export interface ApiKeyRecord {
  /** Public identifier (not secret), shown in listings. */
  id: string;
  site: string;
  scopes: KeyScope[];
  /** Hex SHA-256 of the secret token; unique. */
  hash: string;
  createdAt: number;
  /** When a request last got in with it, to the minute; absent when it never did. */
  lastUsedAt?: number;
  /** What the key is for, as its creator named it; absent when they did not. */
  label?: string;
}

export interface SitePatch {
  public?: boolean;
  /** Days and months are counted in it from then on, the stored events' included. */
  timezone?: string;
  /** null: the server's ALLOW_SUBDOMAINS again. */
  allowSubdomains?: boolean | null;
}

export interface SiteAdmin {
  /** The site after the change, or null when it does not exist. */
  updateSite(domain: string, patch: SitePatch): Promise<SiteRecord | null>;
  createApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKey(hash: string): Promise<ApiKeyRecord | null>;
  /** Oldest first. */
  listApiKeys(site: string): Promise<ApiKeyRecord[]>;
  /** Records a use of the key; need not be durable, it is a hint for whoever decides to revoke. */
  markApiKeyUsed(id: string, at: number): Promise<void>;
  /** Deletes the site's key `id`; false when the site has no such key. */
  deleteApiKey(site: string, id: string): Promise<boolean>;
}

/** A goal of a site; `value` is the event's name or the page path pattern. */
export interface GoalRecord extends GoalDefinition {
  id: number;
  site: string;
  createdAt: number;
}

/** A named funnel of a site; `steps` are goal ids in order. */
export interface FunnelRecord {
  id: number;
  site: string;
  name: string;
  steps: number[];
  createdAt: number;
}

/** Goals and funnels: definitions over events, so they apply to events stored before them too. */
export interface Definitions {
  /** Stores the goal, or answers the site's goal with the same type and value when there is one. */
  putGoal(goal: GoalRecord): Promise<GoalRecord>;
  /** Oldest first. */
  listGoals(site: string): Promise<GoalRecord[]>;
  deleteGoal(site: string, id: number): Promise<boolean>;
  /** Stores the funnel, or replaces the steps of the site's funnel with the same name (keeping its id). */
  putFunnel(funnel: FunnelRecord): Promise<FunnelRecord>;
  /** Oldest first. */
  listFunnels(site: string): Promise<FunnelRecord[]>;
  deleteFunnel(site: string, id: number): Promise<boolean>;
}

/** The read side: pure functions of stored data, which is what makes them safe to cache. */
export interface StatsReader {
  summary(request: SummaryRequest): Promise<SummaryResult>;
  /** Totals over all time, and one window of the pages (absent: FIRST_THOUSAND). */
  allTime(site: string, pages?: ListWindow): Promise<AllTimeResult>;
}

/** Retention and erasure: what docs/privacy.md promises site owners and their visitors. */
export interface DataRetention {
  /** Keeps `days` days of the site's events (null: keep everything); false when there is no such site. */
  setRetention(domain: string, days: number | null): Promise<boolean>;
  /** Every site that has a retention setting. */
  retentionSettings(): Promise<Array<{ site: string; days: number }>>;
  /** Deletes the site's events with ts < before; resolves to how many were deleted. */
  purgeEvents(site: string, before: number): Promise<number>;
  /** Deletes the site with all its events, API keys, goals and funnels; false when there is no such site. */
  deleteSite(domain: string): Promise<boolean>;
  /**
   * Claims the scheduled retention purge for `holder` until `now + forMs`, or renews its own
   * claim; false while another holder's claim runs. Servers sharing one store then purge one at
   * a time instead of each deleting the same events on its own timer.
   */
  claimPurge(holder: string, now: number, forMs: number): Promise<boolean>;
  /**
   * Finishes what an interrupted write left behind, on the purge's timer and under its claim;
   * resolves to how many days or sites it recounted. Only stores whose writes are not all or
   * nothing have it (MongoDB: docs/mongodb.md).
   */
  repairPending?(now: number): Promise<number>;
}

export interface EventStore extends StatsReader, StatsQueries, SiteAdmin, DataRetention, Definitions {
  /** People, sessions, one-time links and shared links of the web admin. */
  readonly accounts: AccountStore;

  /** Commits every event of the batch or none; resolves only once they are durable. */
  insertEvents(events: readonly StoredEvent[]): Promise<void>;
  countEvents(site: string): Promise<number>;

  /** Resolves to null when a site with that domain already exists. */
  createSite(site: SiteRecord): Promise<SiteRecord | null>;
  getSite(domain: string): Promise<SiteRecord | null>;
  listSites(): Promise<SiteRecord[]>;

  /**
   * Returns the salt stored for `day`, storing `candidate` if there is none yet, and destroys
   * the salts of earlier days so old visitor ids can never be recomputed.
   */
  daySalt(day: string, candidate: Buffer): Promise<Buffer>;

  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Wraps a failure inside an adapter with the adapter and method that failed. */
export class StoreError extends Error {
  constructor(adapter: string, method: string, cause: unknown) {
    super(`${adapter}.${method} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreError';
  }
}

/**
 * A stats read given up at its deadline. The query asked for more work than one read may take,
 * so narrowing it (a shorter period, fewer filters) helps where retrying it as it is would not.
 */
export class QueryTimeoutError extends StoreError {
  constructor(
    adapter: string,
    method: string,
    readonly timeoutMs: number,
  ) {
    super(adapter, method, new Error(`no answer within ${timeoutMs} ms`));
    this.name = 'QueryTimeoutError';
  }
}
