/**
 * An EventStore whose read side is the MongoDB store's own pipeline builders and readers, run
 * on mingo over the documents the MongoDB store would write, its visits and per-day rollups kept
 * by the store's own writes (mingo-visits.ts, mingo-rollups.ts), batch by batch as the store
 * writes them, dirty days and time zone recounts marked as it marks them (mingo-markers.ts). It
 * tests the pipelines, not MongoDB: sites, keys and salts are
 * kept in plain maps, and nothing here talks to a server.
 */
import { zoneDays } from '../../src/store/rollup-days.js';
import { toEventDocument, toSiteDocument, type EventDocument } from '../../src/store/mongo/documents.js';
import { ROLLUP_COLLECTIONS } from '../../src/store/mongo/rollup-writes.js';
import { MongoRollups } from '../../src/store/mongo/rollups.js';
import { writeBatch } from '../../src/store/mongo/batch-writes.js';
import { repairDirtyDays } from '../../src/store/mongo/day-repairs.js';
import { DIRTY_DAY_COLLECTION, DirtyDays } from '../../src/store/mongo/dirty-days.js';
import { REBUILD_COLLECTION, SiteRebuilds } from '../../src/store/mongo/site-rebuilds.js';
import type { PipelineQuery } from '../../src/store/mongo/pipelines/pipeline-query.js';
import { pipelineStatsReader } from '../../src/store/mongo/pipelines/stats-reader.js';
import {
  StoreError,
  type ApiKeyRecord,
  type EventStore,
  type SiteAdmin,
  type SitePatch,
  type SiteRecord,
  type StatsQueries,
  type StatsReader,
  type StoredEvent,
} from '../../src/store/types.js';
import { MongoAccounts } from '../../src/store/mongo/accounts.js';
import { MongoVisits, VISIT_COLLECTIONS } from '../../src/store/mongo/visits.js';
import { MingoCollection } from './mingo-collection.js';
import { dirtyDayCollection, rebuildCollection } from './mingo-markers.js';
import { MingoRollupCollection } from './mingo-rollups.js';
import { MingoSpanCollection, MingoVisitCollection } from './mingo-visits.js';
import { MemoryDefinitions } from './memory-definitions.js';
import { runOnMingo } from './mingo-engine.js';

export class MingoPipelineStore implements EventStore, StatsQueries, SiteAdmin {
  readonly documents: Array<EventDocument & { _id: string }> = [];
  /** Every pipeline run, so a test can list the operators actually used. */
  readonly pipelinesRun: unknown[][] = [];
  /** The collection each of those pipelines started from. */
  readonly collectionsRun: string[] = [];
  private readonly sites = new Map<string, SiteRecord>();
  private readonly salts = new Map<string, Buffer>();
  private readonly keys: ApiKeyRecord[] = [];
  private readonly reader: StatsReader & StatsQueries;
  /** The MongoDB store's own accounts code, its queries evaluated by mingo. */
  readonly accounts = new MongoAccounts({
    users: new MingoCollection(),
    sessions: new MingoCollection(),
    tokens: new MingoCollection(),
    sharedLinks: new MingoCollection(),
  });

  /** The visits kept at ingest by the MongoDB store's own code (store/mongo/visits.ts). */
  readonly visitDocuments = new MingoVisitCollection();
  readonly spanDocuments = new MingoSpanCollection();
  readonly visits = new MongoVisits(this.visitDocuments, this.spanDocuments, async (site, sessionIds) =>
    this.documents.filter((document) => document.meta.site === site && sessionIds.includes(document.sessionId)),
  );

  /** The per-day rollups kept at ingest by the MongoDB store's own code (store/mongo/rollups.ts). */
  readonly groupDocuments = new MingoRollupCollection();
  readonly dayVisitorDocuments = new MingoRollupCollection();
  readonly rollups = new MongoRollups(
    this.groupDocuments,
    this.dayVisitorDocuments,
    async (pipeline) => runOnMingo(structuredClone(pipeline), this.documents),
    async (sites) => new Map(sites.flatMap((domain) => {
      const site = this.sites.get(domain);
      return site === undefined ? [] : [[domain, zoneDays(site.timezone)]];
    })),
  );

  /** The store's clock: batches' tokens, stale tokens and rebuild leases are timed by it. */
  now = Date.now();
  readonly dirtyDayDocuments = dirtyDayCollection();
  readonly dirtyDays = new DirtyDays(this.dirtyDayDocuments);
  readonly rebuildDocuments = rebuildCollection();
  readonly rebuilds = new SiteRebuilds(this.rebuildDocuments, this.rollups, 'this-server', () => this.now);
  /** Set by a test: stores this many of a batch's events, then throws, as a partly failed insertMany. */
  storeOnly: number | undefined;

  constructor() {
    this.reader = pipelineStatsReader(async <T>(method: string, query: PipelineQuery<T>) => {
      this.pipelinesRun.push(query.pipeline);
      this.collectionsRun.push(query.collection ?? 'events');
      const collections = {
        events: this.documents,
        [VISIT_COLLECTIONS.visits]: this.visitDocuments.documents,
        [VISIT_COLLECTIONS.spans]: this.spanDocuments.documents,
        [ROLLUP_COLLECTIONS.groups]: this.groupDocuments.documents,
        [ROLLUP_COLLECTIONS.visitors]: this.dayVisitorDocuments.documents,
        [DIRTY_DAY_COLLECTION]: this.dirtyDayDocuments.documents,
        [REBUILD_COLLECTION]: this.rebuildDocuments.documents,
        sites: [...this.sites.values()].map(toSiteDocument),
      };
      try {
        // A JSON round trip would lose Dates; structuredClone keeps them and proves the pipeline does not depend on shared references.
        return query.read(runOnMingo(structuredClone(query.pipeline), collections[query.collection ?? 'events'], collections));
      } catch (error) {
        throw new StoreError('mingo', method, error);
      }
    }, () => this.now);
  }

  summary: StatsReader['summary'] = (request) => this.reader.summary(request);
  allTime: StatsReader['allTime'] = (site, pages) => this.reader.allTime(site, pages);
  aggregate: StatsQueries['aggregate'] = (query) => this.reader.aggregate(query);
  timeseries: StatsQueries['timeseries'] = (query) => this.reader.timeseries(query);
  breakdown: StatsQueries['breakdown'] = (query) => this.reader.breakdown(query);
  funnel: StatsQueries['funnel'] = (query) => this.reader.funnel(query);

  private readonly definitions = new MemoryDefinitions();
  putGoal: EventStore['putGoal'] = (goal) => this.definitions.putGoal(goal);
  listGoals: EventStore['listGoals'] = (site) => this.definitions.listGoals(site);
  deleteGoal: EventStore['deleteGoal'] = (site, id) => this.definitions.deleteGoal(site, id);
  putFunnel: EventStore['putFunnel'] = (funnel) => this.definitions.putFunnel(funnel);
  listFunnels: EventStore['listFunnels'] = (site) => this.definitions.listFunnels(site);
  deleteFunnel: EventStore['deleteFunnel'] = (site, id) => this.definitions.deleteFunnel(site, id);

  async updateSite(domain: string, patch: SitePatch): Promise<SiteRecord | null> {
    const site = this.sites.get(domain);
    if (site === undefined) return null;
    if (patch.public !== undefined) site.public = patch.public;
    if (patch.timezone !== undefined) {
      // As the MongoDB store: only a zone with other days recounts.
      const recount = zoneDays(patch.timezone).key !== zoneDays(site.timezone).key;
      if (recount) await this.rebuilds.begin(domain);
      site.timezone = patch.timezone;
      if (recount) await this.rebuilds.run(domain);
    }
    if (patch.allowSubdomains === null) delete site.allowSubdomains;
    else if (patch.allowSubdomains !== undefined) site.allowSubdomains = patch.allowSubdomains;
    return { ...site };
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    this.keys.push({ ...key, scopes: [...key.scopes] });
  }

  async findApiKey(hash: string): Promise<ApiKeyRecord | null> {
    return this.keys.find((key) => key.hash === hash) ?? null;
  }

  async markApiKeyUsed(id: string, at: number): Promise<void> {
    const key = this.keys.find((candidate) => candidate.id === id);
    if (key !== undefined) key.lastUsedAt = at;
  }

  async deleteApiKey(site: string, id: string): Promise<boolean> {
    const index = this.keys.findIndex((key) => key.site === site && key.id === id);
    if (index !== -1) this.keys.splice(index, 1);
    return index !== -1;
  }

  async listApiKeys(site: string): Promise<ApiKeyRecord[]> {
    return this.keys
      .filter((key) => key.site === site)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Each document gets an `_id` that sorts in arrival order, as the driver's ObjectIds do within
   * one server: the pipelines break ties of equal timestamps by it. The batch is written by the
   * MongoDB store's own code (store/mongo/batch-writes.ts).
   */
  async insertEvents(events: readonly StoredEvent[]): Promise<void> {
    const insert = async (batch: readonly StoredEvent[]) => {
      const stored = batch.slice(0, this.storeOnly ?? batch.length);
      for (const event of stored) {
        this.documents.push({ _id: (this.arrivals++).toString(16).padStart(24, '0'), ...toEventDocument(event) });
      }
      if (stored.length < batch.length) throw new Error('insertMany stored part of the batch (injected)');
    };
    await writeBatch({ days: this.dirtyDays, visits: this.visits, rollups: this.rollups, insert }, events, this.now);
  }

  /** As the MongoDB store's maintenance run (store/mongo/mongo-store.ts). */
  async repairPending(now: number): Promise<number> {
    const sites = await this.rebuilds.resumeAbandoned();
    const sessions = async (site: string, from: number, to: number) => [
      ...new Set(this.documents.filter((d) => d.meta.site === site && d.ts.getTime() >= from && d.ts.getTime() < to).map((d) => d.sessionId)),
    ];
    return sites + (await repairDirtyDays({ days: this.dirtyDays, visits: this.visits, rollups: this.rollups, sessions }, now));
  }

  private arrivals = 0;

  async countEvents(site: string): Promise<number> {
    return this.documents.filter((document) => document.meta.site === site).length;
  }

  async createSite(site: SiteRecord): Promise<SiteRecord | null> {
    if (this.sites.has(site.domain)) return null;
    this.sites.set(site.domain, { ...site, public: site.public === true });
    return site;
  }

  async getSite(domain: string): Promise<SiteRecord | null> {
    const site = this.sites.get(domain);
    return site === undefined ? null : { ...site };
  }

  async listSites(): Promise<SiteRecord[]> {
    return [...this.sites.values()].map((site) => ({ ...site })).sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  }

  async daySalt(day: string, candidate: Buffer): Promise<Buffer> {
    if (!this.salts.has(day)) this.salts.set(day, candidate);
    for (const stored of this.salts.keys()) if (stored < day) this.salts.delete(stored);
    return this.salts.get(day)!;
  }

  private readonly retention = new Map<string, number>();

  async setRetention(domain: string, days: number | null): Promise<boolean> {
    if (!this.sites.has(domain)) return false;
    if (days === null) this.retention.delete(domain);
    else this.retention.set(domain, days);
    return true;
  }

  async retentionSettings(): Promise<Array<{ site: string; days: number }>> {
    return [...this.retention].map(([site, days]) => ({ site, days })).sort((a, b) => (a.site < b.site ? -1 : 1));
  }

  async purgeEvents(site: string, before: number): Promise<number> {
    const deleted = this.dropEvents(site, before);
    await this.visits.purged(site, before);
    await this.rollups.purged(site, before);
    return deleted;
  }

  private dropEvents(site: string, before: number): number {
    const kept = this.documents.filter((document) => document.meta.site !== site || document.ts.getTime() >= before);
    const deleted = this.documents.length - kept.length;
    this.documents.splice(0, this.documents.length, ...kept);
    return deleted;
  }

  async deleteSite(domain: string): Promise<boolean> {
    this.dropEvents(domain, Number.POSITIVE_INFINITY);
    await this.visits.deleteSite(domain);
    await this.rollups.deleteSite(domain);
    await this.dirtyDays.deleteSite(domain);
    await this.rebuilds.deleteSite(domain);
    this.keys.splice(0, this.keys.length, ...this.keys.filter((key) => key.site !== domain));
    this.definitions.deleteSite(domain);
    this.retention.delete(domain);
    return this.sites.delete(domain);
  }

  async claimPurge(): Promise<boolean> {
    return true;
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
