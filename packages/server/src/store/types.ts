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
}

export interface SiteRecord {
  domain: string;
  timezone: string;
  createdAt: number;
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
  pages: PageTotals[];
}

/** The read side: pure functions of stored data, which is what makes them safe to cache. */
export interface StatsReader {
  summary(request: SummaryRequest): Promise<SummaryResult>;
  allTime(site: string): Promise<AllTimeResult>;
}

export interface EventStore extends StatsReader {
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
