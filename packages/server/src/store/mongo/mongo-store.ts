/**
 * The MongoDB store. Writes are acknowledged by the configured write concern (a majority of the
 * replica set by default) before the ingest answers; reads are aggregation pipelines built by
 * the pure functions in pipelines/, so the same code can be checked without a server.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Connection, type PipelineStage } from 'mongoose';
import { zoneDays } from '../rollup-days.js';
import {
  QueryTimeoutError,
  StoreError,
  type ApiKeyRecord,
  type EventStore,
  type SiteAdmin,
  type SitePatch,
  type SiteRecord,
  type StatsQueries,
  type StatsReader,
  type StoredEvent,
  type FunnelRecord,
  type GoalRecord,
} from '../types.js';
import { toApiKeyDocument, toApiKeyRecord, toEventDocument, toSiteDocument, toSiteRecord, type SiteDocument } from './documents.js';
import { ACCOUNT_COLLECTIONS, MongoAccounts, type AccountCollections } from './accounts.js';
import { DEFINITION_COLLECTIONS, MongoDefinitions, type DefinitionCollection, type FunnelDocument, type GoalDocument } from './definitions.js';
import { writeBatch } from './batch-writes.js';
import { repairDirtyDays } from './day-repairs.js';
import { DirtyDays, DIRTY_DAY_COLLECTION, type DirtyDayCollection } from './dirty-days.js';
import { claimEventIds, forgetEventIds } from './event-ids.js';
import { defineModels, ensureCollections, type Models } from './models.js';
import type { PipelineQuery } from './pipelines/pipeline-query.js';
import { pipelineStatsReader } from './pipelines/stats-reader.js';
import { claimLease } from './purge-lease.js';
import { backfillRollups, countedOnStandardDays, ROLLUPS_FROM_EVENTS, ROLLUPS_LOCAL_DAYS, type RollupBackfill } from './rollup-backfill.js';
import { ROLLUP_COLLECTIONS } from './rollup-writes.js';
import { MongoRollups, type RollupCollection } from './rollups.js';
import { checkServer } from './server-checks.js';
import { REBUILD_COLLECTION, SiteRebuilds, type RebuildCollection } from './site-rebuilds.js';
import { backfillVisits, type MigrationCollection } from './visit-backfill.js';
import { MongoVisits, VISIT_COLLECTIONS, type SpanCollection, type VisitCollection } from './visits.js';

export interface MongoStoreOptions {
  uri: string;
  writeConcern: 'majority' | number;
  /**
   * How long a write waits for its write concern. Past it the write fails and the ingest answers
   * 503, never 202: the events may be on the primary but are not yet safe from its loss.
   */
  writeTimeoutMs: number;
  /** Each stats read's deadline on the server (maxTimeMS); past it the read answers 503. */
  readTimeoutMs: number;
  /**
   * How long an operation waits for a usable server before failing. A failed write becomes a
   * 503 with Retry-After, so this bounds how long a beacon hangs during a failover.
   */
  serverSelectionTimeoutMS?: number;
  /** Overrides the database named in the URI (tests use a throwaway one). */
  dbName?: string;
}

const DUPLICATE_KEY = 11000;
const MAX_TIME_MS_EXPIRED = 50;
/** A rollup backfill renews its lease after every site and every week of a site; ten minutes leaves room for a slow week. */
const BACKFILL_LEASE_MS = 600_000;
const BACKFILL_POLL_MS = 1_000;

const isReadDeadline = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === MAX_TIME_MS_EXPIRED;

const isDuplicateKey = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;

/** Connects without waiting: the driver keeps reconnecting by itself, so a store made while MongoDB is down recovers once it is back. */
export function connectMongo(options: MongoStoreOptions): Connection {
  const connection = mongoose.createConnection(options.uri, {
    // Fail fast instead of queueing operations in memory while disconnected.
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    writeConcern: { w: options.writeConcern, wtimeoutMS: options.writeTimeoutMs },
    // A write cut off by a failover is sent once more to the new primary, which recognises it
    // by its transaction number and does not apply it twice.
    retryWrites: true,
    retryReads: true,
    ...(options.dbName !== undefined ? { dbName: options.dbName } : {}),
  });
  // A failed first connection would otherwise be an unhandled rejection; callers that need the
  // connection await asPromise(), and every later operation reports its own failure.
  connection.asPromise().catch(() => undefined);
  return connection;
}

/** Connects, creates collections and indexes if they are missing, and returns the store. */
export type MongoEventStore = EventStore & StatsQueries & SiteAdmin;

export async function openMongoStore(options: MongoStoreOptions): Promise<MongoEventStore> {
  const connection = connectMongo(options);
  try {
    await connection.asPromise();
    await checkServer(connection);
    const store = new MongoStore(connection, options.readTimeoutMs);
    await ensureCollections(store.models);
    await store.backfillVisits();
    await store.backfillRollups();
    await store.definitions.ensureIndexes();
    await store.accounts.ensureIndexes();
    return store;
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new StoreError('mongo', 'open', error);
  }
}

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  // Without mongoose's hydration the driver hands back a BSON Binary, whose buffer may be longer than its content.
  const binary = value as { buffer: Uint8Array; position: number };
  return Buffer.from(binary.buffer.subarray(0, binary.position));
}

export class MongoStore implements EventStore, StatsQueries, SiteAdmin {
  readonly models: Models;
  readonly definitions: MongoDefinitions;
  readonly accounts: MongoAccounts;
  private readonly visits: MongoVisits;
  private readonly rollups: MongoRollups;
  private readonly dirtyDays: DirtyDays;
  private readonly rebuilds: SiteRebuilds;
  private readonly reader: StatsReader & StatsQueries;

  constructor(
    private readonly connection: Connection,
    private readonly readTimeoutMs: number,
  ) {
    this.models = defineModels(connection);
    this.definitions = new MongoDefinitions(
      connection.collection(DEFINITION_COLLECTIONS.goals) as unknown as DefinitionCollection<GoalDocument>,
      connection.collection(DEFINITION_COLLECTIONS.funnels) as unknown as DefinitionCollection<FunnelDocument>,
    );
    // Plain driver collections: records of their own shape, with nothing for mongoose to cast.
    const collection = (name: string): unknown => connection.collection(name);
    this.accounts = new MongoAccounts(
      Object.fromEntries(Object.entries(ACCOUNT_COLLECTIONS).map(([key, name]) => [key, collection(name)])) as unknown as AccountCollections,
    );
    this.visits = new MongoVisits(
      collection(VISIT_COLLECTIONS.visits) as VisitCollection,
      collection(VISIT_COLLECTIONS.spans) as SpanCollection,
      (site, sessionIds) =>
        this.models.events
          .find({ 'meta.site': { $eq: site }, sessionId: { $in: [...sessionIds] } })
          .sort({ _id: 1 })
          .lean()
          .exec(),
    );
    this.rollups = new MongoRollups(
      collection(ROLLUP_COLLECTIONS.groups) as RollupCollection,
      collection(ROLLUP_COLLECTIONS.visitors) as RollupCollection,
      (pipeline: PipelineStage[]) => this.models.events.aggregate(pipeline).option({ allowDiskUse: true }).exec(),
      async (sites) => {
        const documents = await this.models.sites.find({ _id: { $in: [...sites] } }).lean().exec();
        return new Map(documents.map((site) => [site._id, zoneDays(site.timezone)]));
      },
    );
    this.dirtyDays = new DirtyDays(collection(DIRTY_DAY_COLLECTION) as DirtyDayCollection);
    this.rebuilds = new SiteRebuilds(collection(REBUILD_COLLECTION) as RebuildCollection, this.rollups, randomUUID(), Date.now);
    this.reader = pipelineStatsReader(<T>(method: string, query: PipelineQuery<T>) =>
      this.run(method, async () => {
        // Grouping and sorting a long range may pass the 100 MB a stage holds in memory: it spills instead of failing.
        const options = { maxTimeMS: this.readTimeoutMs, allowDiskUse: true };
        const rows =
          query.collection === undefined || query.collection === 'events'
            ? await this.models.events.aggregate(query.pipeline).option(options).exec()
            : await connection.collection(query.collection).aggregate(query.pipeline, options).toArray();
        return query.read(rows);
      }),
    );
  }

  /** Before the store serves: see visit-backfill.ts. */
  backfillVisits(): Promise<void> {
    const migrations = this.connection.collection('migrations') as unknown as MigrationCollection;
    return backfillVisits(this.models.events, this.visits, migrations, new Date());
  }

  /** Before the store serves: see rollup-backfill.ts. */
  async backfillRollups(): Promise<void> {
    const holder = randomUUID();
    const sites = async (which: (site: SiteDocument) => boolean) =>
      (await this.models.sites.find().sort({ _id: 1 }).lean().exec()).filter(which).map((site) => site._id);
    const run = (marker: RollupBackfill['marker'], which: (site: SiteDocument) => boolean) =>
      backfillRollups({
        marker,
        rollups: this.rollups,
        migrations: this.connection.collection('migrations') as unknown as MigrationCollection,
        sites: () => sites(which),
        claim: () => claimLease(this.models.leases, marker, holder, Date.now(), BACKFILL_LEASE_MS),
        pause: () => sleep(BACKFILL_POLL_MS),
        now: () => new Date(),
      });
    await run(ROLLUPS_FROM_EVENTS, () => true);
    await run(ROLLUPS_LOCAL_DAYS, countedOnStandardDays);
  }

  private async run<T>(method: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isReadDeadline(error)) throw new QueryTimeoutError('mongo', method, this.readTimeoutMs);
      throw new StoreError('mongo', method, error);
    }
  }

  /**
   * Unordered, so one bad document cannot hold back the others. A time-series collection
   * cannot take part in a transaction, so a partly failed batch is not rolled back: the whole
   * batch is still refused (503) and its ids given back, so clients may resend events that did
   * get stored, and those are stored again. A batch that failed as a whole is stored once.
   *
   * The batch's visits are merged once its events are written, then its per-day rollups counted,
   * so a 202 means all three are. A merge or count that fails part-way is repaired from the
   * stored events; only when that fails too is the batch refused like a partly stored one. Its
   * days are marked dirty before any of this, so the maintenance run recounts whatever a failure
   * or a dying process left (batch-writes.ts).
   */
  insertEvents(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.run('insertEvents', async () => {
      const { fresh, release } = await claimEventIds(this.models.eventIds, events);
      if (fresh.length === 0) return;
      const targets = {
        days: this.dirtyDays,
        visits: this.visits,
        rollups: this.rollups,
        insert: async (batch: readonly StoredEvent[]) => {
          await this.models.events.insertMany(batch.map(toEventDocument), { ordered: false, lean: true });
        },
      };
      await writeBatch(targets, fresh, Date.now()).catch(async (error: unknown) => {
        await release().catch(() => undefined);
        throw error;
      });
    });
  }

  /**
   * The maintenance run, on the purge timer under its lease: finishes time zone recounts whose
   * server stopped (site-rebuilds.ts), then recounts the days failed or abandoned batches left
   * dirty (day-repairs.ts).
   */
  repairPending(now: number): Promise<number> {
    return this.run('repairPending', async () => {
      const sites = await this.rebuilds.resumeAbandoned();
      const days = await repairDirtyDays(
        {
          days: this.dirtyDays,
          visits: this.visits,
          rollups: this.rollups,
          sessions: async (site, from, to) => {
            const rows = await this.models.events
              .aggregate<{ _id: number }>([
                { $match: { 'meta.site': { $eq: site }, ts: { $gte: new Date(from), $lt: new Date(to) } } },
                { $group: { _id: '$sessionId' } },
              ])
              .option({ allowDiskUse: true })
              .exec();
            return rows.map((row) => row._id);
          },
        },
        now,
      );
      return sites + days;
    });
  }

  countEvents(site: string): Promise<number> {
    return this.run('countEvents', () => this.models.events.countDocuments({ 'meta.site': { $eq: site } }).exec());
  }

  createSite(site: SiteRecord): Promise<SiteRecord | null> {
    return this.run('createSite', async () => {
      try {
        await this.models.sites.insertMany([toSiteDocument(site)], { lean: true });
        return site;
      } catch (error) {
        if (isDuplicateKey(error)) return null;
        throw error;
      }
    });
  }

  getSite(domain: string): Promise<SiteRecord | null> {
    return this.run('getSite', async () => {
      const document = await this.models.sites.findOne({ _id: { $eq: domain } }).lean().exec();
      return document === null ? null : toSiteRecord(document);
    });
  }

  listSites(): Promise<SiteRecord[]> {
    return this.run('listSites', async () => {
      const documents = await this.models.sites.find().sort({ _id: 1 }).lean().exec();
      return documents.map(toSiteRecord);
    });
  }

  daySalt(day: string, candidate: Buffer): Promise<Buffer> {
    return this.run('daySalt', async () => {
      const keep = () =>
        this.models.salts
          .findOneAndUpdate({ _id: { $eq: day } }, { $setOnInsert: { salt: candidate } }, { upsert: true, returnDocument: 'after' })
          .lean()
          .exec();
      // Two servers upserting the same new day race on the unique _id; the loser reads the winner's salt.
      const saved = await keep().catch((error: unknown) => {
        if (isDuplicateKey(error)) return keep();
        throw error;
      });
      await this.models.salts.deleteMany({ _id: { $lt: day } }).exec();
      return toBuffer(saved?.salt);
    });
  }

  summary: StatsReader['summary'] = (request) => this.reader.summary(request);
  allTime: StatsReader['allTime'] = (site, pages) => this.reader.allTime(site, pages);
  aggregate: StatsQueries['aggregate'] = (query) => this.reader.aggregate(query);
  timeseries: StatsQueries['timeseries'] = (query) => this.reader.timeseries(query);
  breakdown: StatsQueries['breakdown'] = (query) => this.reader.breakdown(query);
  funnel: StatsQueries['funnel'] = (query) => this.reader.funnel(query);

  updateSite(domain: string, patch: SitePatch): Promise<SiteRecord | null> {
    // The rollups count days from the site's midnight, so a new time zone recounts them.
    const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    if (Object.keys(changes).length === 0) return this.getSite(domain);
    return this.run('updateSite', async () => {
      // A zone with the same days as the site's (another name for it, or the same offsets) counts the same rollups.
      const recount = patch.timezone !== undefined && (await this.hasOtherDays(domain, patch.timezone));
      // Marked before the zone is stored, so a process dying in between still leaves the recount to finish.
      if (recount) await this.rebuilds.begin(domain);
      const document = await this.models.sites
        .findOneAndUpdate({ _id: { $eq: domain } }, { $set: changes }, { returnDocument: 'after' })
        .lean()
        .exec();
      if (recount) await (document === null ? this.rebuilds.cancel(domain) : this.rebuilds.run(domain));
      return document === null ? null : toSiteRecord(document);
    });
  }

  /** Whether `timezone` has other days than the site's zone; false for a site not found. */
  private async hasOtherDays(domain: string, timezone: string): Promise<boolean> {
    const site = await this.models.sites.findOne({ _id: { $eq: domain } }, { timezone: 1 }).lean().exec();
    return site !== null && zoneDays(site.timezone).key !== zoneDays(timezone).key;
  }

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return this.run('createApiKey', async () => {
      await this.models.apiKeys.insertMany([toApiKeyDocument(key)], { lean: true });
    });
  }

  findApiKey(hash: string): Promise<ApiKeyRecord | null> {
    return this.run('findApiKey', async () => {
      const document = await this.models.apiKeys.findOne({ hash: { $eq: hash } }).lean().exec();
      return document === null ? null : toApiKeyRecord(document);
    });
  }

  listApiKeys(site: string): Promise<ApiKeyRecord[]> {
    return this.run('listApiKeys', async () => {
      const documents = await this.models.apiKeys.find({ site: { $eq: site } }).sort({ createdAt: 1, _id: 1 }).lean().exec();
      return documents.map(toApiKeyRecord);
    });
  }

  markApiKeyUsed(id: string, at: number): Promise<void> {
    return this.run('markApiKeyUsed', async () => {
      await this.models.apiKeys.updateOne({ _id: { $eq: id } }, { $set: { lastUsedAt: new Date(at) } }).exec();
    });
  }

  deleteApiKey(site: string, id: string): Promise<boolean> {
    return this.run('deleteApiKey', async () => {
      const result = await this.models.apiKeys.deleteOne({ _id: { $eq: id }, site: { $eq: site } }).exec();
      return result.deletedCount === 1;
    });
  }

  setRetention(domain: string, days: number | null): Promise<boolean> {
    return this.run('setRetention', async () => {
      const result = await this.models.sites.updateOne({ _id: { $eq: domain } }, { $set: { retentionDays: days } }).exec();
      return result.matchedCount === 1;
    });
  }

  retentionSettings(): Promise<Array<{ site: string; days: number }>> {
    return this.run('retentionSettings', async () => {
      const documents = await this.models.sites.find({ retentionDays: { $gte: 1 } }).sort({ _id: 1 }).lean().exec();
      return documents.map((document) => ({ site: document._id, days: document.retentionDays! }));
    });
  }

  /**
   * MongoDB 7 deletes from a time-series collection by any filter; the (meta.site, ts) index serves
   * this one. The visits and rollups follow even when no event was deleted: a purge that failed between the
   * two leaves visits of deleted events, which the next purge then takes out (few are left to look at:
   * the visits an earlier purge cut).
   */
  purgeEvents(site: string, before: number): Promise<number> {
    return this.run('purgeEvents', async () => {
      const result = await this.models.events.deleteMany({ 'meta.site': { $eq: site }, ts: { $lt: new Date(before) } }).exec();
      await this.visits.purged(site, before);
      await this.rollups.purged(site, before);
      return result.deletedCount;
    });
  }

  /** Events and keys first: a crash half-way leaves the site listed, so the command can simply be run again. */
  deleteSite(domain: string): Promise<boolean> {
    return this.run('deleteSite', async () => {
      await this.models.events.deleteMany({ 'meta.site': { $eq: domain } }).exec();
      await this.visits.deleteSite(domain);
      await this.rollups.deleteSite(domain);
      await this.dirtyDays.deleteSite(domain);
      await this.rebuilds.deleteSite(domain);
      await this.models.apiKeys.deleteMany({ site: { $eq: domain } }).exec();
      await this.definitions.deleteSite(domain);
      await forgetEventIds(this.models.eventIds, domain);
      const result = await this.models.sites.deleteOne({ _id: { $eq: domain } }).exec();
      return result.deletedCount === 1;
    });
  }

  putGoal(goal: GoalRecord): Promise<GoalRecord> {
    return this.run('putGoal', () => this.definitions.putGoal(goal));
  }

  listGoals(site: string): Promise<GoalRecord[]> {
    return this.run('listGoals', () => this.definitions.listGoals(site));
  }

  deleteGoal(site: string, id: number): Promise<boolean> {
    return this.run('deleteGoal', () => this.definitions.deleteGoal(site, id));
  }

  putFunnel(funnel: FunnelRecord): Promise<FunnelRecord> {
    return this.run('putFunnel', () => this.definitions.putFunnel(funnel));
  }

  listFunnels(site: string): Promise<FunnelRecord[]> {
    return this.run('listFunnels', () => this.definitions.listFunnels(site));
  }

  deleteFunnel(site: string, id: number): Promise<boolean> {
    return this.run('deleteFunnel', () => this.definitions.deleteFunnel(site, id));
  }

  claimPurge(holder: string, now: number, forMs: number): Promise<boolean> {
    return this.run('claimPurge', () => claimLease(this.models.leases, 'retention-purge', holder, now, forMs));
  }

  ping(): Promise<void> {
    return this.run('ping', async () => {
      const db = this.connection.db;
      if (db === undefined) throw new Error('not connected');
      await db.command({ ping: 1 });
    });
  }

  close(): Promise<void> {
    return this.run('close', () => this.connection.close());
  }
}
