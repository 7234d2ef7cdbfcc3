/**
 * The embedded store: one SQLite file in WAL mode. Zero set-up, durable, and fast enough
 * for a single machine; every statement is prepared once.
 */
import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  FIRST_THOUSAND,
  StoreError,
  type AllTimeResult,
  type ListWindow,
  type ApiKeyRecord,
  type BreakdownQuery,
  type BreakdownRow,
  type Measures,
  type SitePatch,
  type StatsQuery,
  type TimeseriesQuery,
  type EventStore,
  type SiteRecord,
  type StoredEvent,
  type SummaryRequest,
  type SummaryResult,
  type FunnelQuery,
  type FunnelRecord,
  type GoalRecord,
} from '../types.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { SqliteEventIds } from './event-ids.js';
import { migrate } from './migrations.js';
import { ReadPool } from './read-pool.js';
import { SqliteProjection } from './projection.js';
import { SqliteRetention } from './retention.js';
import { zoneDays } from '../rollup-days.js';
import { SqliteRollups } from './rollups.js';
import { SqliteSiteAdmin } from './site-admin.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteDefinitions } from './definitions.js';
import { statsReader, type ReadArg, type ReadMethod, type ReadResult, type StatsReader } from './stats-reads.js';
import { SqliteVisitRollups } from './visit-rollups.js';
import { SqliteVisits } from './visits.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a throwaway database. */
  file: string;
  /**
   * FULL syncs the WAL on every commit (survives power loss); NORMAL only on checkpoints
   * (survives a process crash, which is what a 202 must outlive on a journaling file system).
   */
  synchronous: 'FULL' | 'NORMAL';
  /**
   * Checkpoint the log from a worker thread (checkpointer.ts), for a server that commits all day;
   * a short-lived process such as the CLI leaves it to SQLite.
   */
  backgroundCheckpoints?: boolean;
  /**
   * Run stats reads on this many reader threads (read-pool.ts), each read given up after
   * timeoutMs, so that none holds up the event loop a server acknowledges events on. Absent,
   * reads run on the calling thread with no deadline: fine for a command such as the CLI. A
   * ':memory:' database always reads in-process, as no other connection can see its data.
   */
  statsReaders?: { workers: number; timeoutMs: number };
}

interface SiteRow {
  domain: string;
  timezone: string;
  created_at: number;
  public: number;
  allow_subdomains: number | null;
}

const toSite = (row: SiteRow): SiteRecord => ({
  domain: row.domain,
  timezone: row.timezone,
  createdAt: row.created_at,
  public: row.public === 1,
  ...(row.allow_subdomains === null ? {} : { allowSubdomains: row.allow_subdomains === 1 }),
});

/** Ten seconds: far longer than one of the worker's checkpoints takes. */
const EMPTY_WAL_ATTEMPTS = 500;
const EMPTY_WAL_RETRY_MS = 20;

/** 256 MB of log, twice what the checkpoint worker lets it reach under a steady load. */
const FALLBACK_CHECKPOINT_PAGES = 65_536;

export function openSqliteStore(options: SqliteStoreOptions): EventStore {
  if (options.file !== ':memory:') mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  // FULL is kept by syncing the WAL after each commit off the event loop (SqliteStore.durable), not inside the commit.
  db.pragma('synchronous = NORMAL');
  // A second process (the CLI) may hold the write lock for a moment; wait rather than fail.
  db.pragma('busy_timeout = 5000');
  // Deleted rows (yesterday's salt, purged or erased events) are overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  migrate(db);
  const onDisk = options.file !== ':memory:';
  let checkpointer: Checkpointer | undefined;
  if (onDisk && options.backgroundCheckpoints === true) {
    // The worker keeps the log short; SQLite's own checkpoint on this connection only steps in
    // when writes outrun the worker (or it failed), so the log stays bounded either way.
    db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(options.file, () => {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
  }
  const syncWal = options.synchronous === 'FULL' && onDisk;
  const readers = onDisk && options.statsReaders !== undefined ? new ReadPool({ file: options.file, ...options.statsReaders }) : undefined;
  try {
    return new SqliteStore(db, syncWal ? `${options.file}-wal` : undefined, checkpointer, readers);
  } catch (error) {
    // Folding in what a crash left failed: nothing may keep the file open behind the error.
    void readers?.close().catch(() => undefined);
    void checkpointer?.stop().catch(() => undefined);
    db.close();
    throw error;
  }
}

class SqliteStore implements EventStore {
  private readonly insertEvent;
  private readonly insertBatch;
  private readonly selectCount;
  private readonly selectSite;
  private readonly visitRollups;
  private readonly retime;
  private readonly selectSites;
  private readonly insertSite;
  private readonly insertSalt;
  private readonly selectSalt;
  private readonly deleteOldSalts;

  private readonly rollups;
  private readonly projection;
  /** Reads on this connection, when there is no reader pool. */
  private readonly localReads: StatsReader | undefined;
  private readonly admin;
  private readonly retention;
  private readonly definitions;
  readonly accounts;

  private walFd: number | undefined;

  constructor(
    private readonly db: Database.Database,
    /** The WAL to sync before a write is reported done; undefined when NORMAL durability was asked for. */
    private readonly walFile: string | undefined,
    private readonly checkpointer: Checkpointer | undefined,
    private readonly readers: ReadPool | undefined,
  ) {
    this.insertEvent = db.prepare(`
      INSERT INTO events (site, ts, name, path, hostname, referrer, referrer_source,
        utm_source, utm_medium, utm_campaign, utm_term, utm_content,
        browser, os, device, country, screen_width, visitor_id, session_id, engagement_ms, props)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.rollups = new SqliteRollups(db);
    this.visitRollups = new SqliteVisitRollups(db, (site) => this.rollups.daysOf(site));
    const visits = new SqliteVisits(db, this.visitRollups);
    this.retime = db.prepare('UPDATE sites SET timezone = ? WHERE domain = ?');
    const eventIds = new SqliteEventIds(db);
    // Positional values: binding by name copied every event into a new object and cost a third of the insert.
    this.insertBatch = db.transaction((batch: readonly StoredEvent[]) => {
      const events = eventIds.fresh(batch);
      let lastId = 0;
      for (const e of events) {
        const propsJson = Object.keys(e.props).length > 0 ? JSON.stringify(e.props) : null;
        lastId = Number(this.insertEvent.run(
          e.site, e.ts, e.name, e.path, e.hostname, e.referrer, e.referrerSource,
          e.utmSource, e.utmMedium, e.utmCampaign, e.utmTerm, e.utmContent,
          e.browser, e.os, e.device, e.country, e.screenWidth, e.visitorId, e.sessionId, e.engagementMs, propsJson,
        ).lastInsertRowid);
      }
      return { events, lastId };
    });
    this.selectCount = db.prepare('SELECT COUNT(*) AS n FROM events WHERE site = ?').pluck();
    this.selectSite = db.prepare<[string], SiteRow>('SELECT domain, timezone, created_at, public, allow_subdomains FROM sites WHERE domain = ?');
    this.selectSites = db.prepare<[], SiteRow>('SELECT domain, timezone, created_at, public, allow_subdomains FROM sites ORDER BY domain');
    this.insertSite = db.prepare(
      'INSERT INTO sites (domain, timezone, created_at, public) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.localReads = readers === undefined ? statsReader(db) : undefined;
    this.admin = new SqliteSiteAdmin(db);
    this.accounts = new SqliteAccounts(db);
    this.definitions = new SqliteDefinitions(db);
    this.projection = new SqliteProjection(db, this.rollups, visits);
    this.retention = new SqliteRetention(db, this.rollups, visits, eventIds, this.definitions, this.projection);
    this.insertSalt = db.prepare('INSERT INTO salts (day, salt) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.selectSalt = db.prepare<[string], Buffer>('SELECT salt FROM salts WHERE day = ?').pluck();
    this.deleteOldSalts = db.prepare('DELETE FROM salts WHERE day < ?');
    // Events a crash or another process left unfolded.
    this.projection.catchUp();
  }

  private run<T>(method: string, work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      // A transaction undone may have folded events in: what memory holds of the tables could be ahead of them.
      this.projection.forget();
      return Promise.reject(new StoreError('sqlite', method, error));
    }
  }

  private read<M extends ReadMethod>(method: M, arg: ReadArg<M>): Promise<ReadResult<M>> {
    if (this.readers !== undefined) {
      return this.run(method, () => this.projection.settle()).then(() => this.readers!.run(method, arg));
    }
    const local = this.localReads!;
    return this.run(method, () => {
      this.projection.settle();
      return local(method, arg);
    });
  }

  /**
   * Resolves once every commit so far is on disk. The fsync runs on libuv's thread pool, so the
   * event loop keeps serving requests while the disk works and the next group commit forms
   * meanwhile; inside the commit (synchronous = FULL) it blocked the loop for every batch.
   */
  private durable(): Promise<void> {
    if (this.walFile === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      try {
        this.walFd ??= openSync(this.walFile!, 'r');
      } catch (error) {
        reject(new StoreError('sqlite', 'fsync', error));
        return;
      }
      fsync(this.walFd, (error) => (error ? reject(new StoreError('sqlite', 'fsync', error)) : resolve()));
    });
  }

  insertEvents(events: readonly StoredEvent[]): Promise<void> {
    return this.run('insertEvents', () => {
      const stored = this.insertBatch(events);
      this.projection.committed(stored.events, stored.lastId);
    }).then(() => this.durable());
  }

  countEvents(site: string): Promise<number> {
    return this.run('countEvents', () => this.selectCount.get(site) as number);
  }

  createSite(site: SiteRecord): Promise<SiteRecord | null> {
    return this.run('createSite', () => (this.insertSite.run(site.domain, site.timezone, site.createdAt, site.public ? 1 : 0).changes === 1 ? site : null)).then(async (created) => {
      await this.durable();
      return created;
    });
  }

  getSite(domain: string): Promise<SiteRecord | null> {
    return this.run('getSite', () => {
      const row = this.selectSite.get(domain);
      return row ? toSite(row) : null;
    });
  }

  listSites(): Promise<SiteRecord[]> {
    return this.run('listSites', () => this.selectSites.all().map(toSite));
  }

  daySalt(day: string, candidate: Buffer): Promise<Buffer> {
    return this.run('daySalt', () =>
      this.db.transaction(() => {
        this.insertSalt.run(day, candidate);
        const rotated = this.deleteOldSalts.run(day).changes > 0;
        return { salt: this.selectSalt.get(day) as Buffer, rotated };
      })(),
    ).then(async ({ salt, rotated }) => {
      await this.durable();
      // Older copies of the salt's page live on in the WAL until it is checkpointed and emptied.
      if (rotated) await this.emptyWal();
      return salt;
    });
  }

  /**
   * Copies the whole WAL into the database and truncates it. While the checkpoint worker is
   * copying, SQLite answers busy at once instead of waiting, so this waits for its turn.
   */
  private async emptyWal(): Promise<void> {
    for (let attempt = 0; attempt < EMPTY_WAL_ATTEMPTS; attempt++) {
      const [state] = await this.run('emptyWal', () => this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>);
      if (state?.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, EMPTY_WAL_RETRY_MS));
    }
    throw new StoreError('sqlite', 'emptyWal', new Error('the write-ahead log stayed busy'));
  }

  summary(request: SummaryRequest): Promise<SummaryResult> {
    return this.read('summary', request);
  }

  allTime(site: string, pages: ListWindow = FIRST_THOUSAND): Promise<AllTimeResult> {
    return this.read('allTime', { site, pages });
  }

  aggregate(query: StatsQuery): Promise<Measures> {
    return this.read('aggregate', query);
  }

  timeseries(query: TimeseriesQuery): Promise<Measures[]> {
    return this.read('timeseries', query);
  }

  breakdown(query: BreakdownQuery): Promise<BreakdownRow[]> {
    return this.read('breakdown', query);
  }

  funnel(query: FunnelQuery): Promise<number[]> {
    return this.read('funnel', query);
  }

  updateSite(domain: string, patch: SitePatch): Promise<SiteRecord | null> {
    return this.run('updateSite', () =>
      this.db.transaction(() => {
        if (!this.admin.updateSite(domain, patch)) return undefined;
        const before = this.selectSite.get(domain)!;
        if (patch.timezone !== undefined && patch.timezone !== before.timezone) {
          this.projection.catchUp();
          this.changeTimezone(before, patch.timezone);
        }
        return this.selectSite.get(domain);
      }).immediate(),
    )
      .then(async (row) => {
        await this.durable();
        return row ? toSite(row) : null;
      });
  }

  /**
   * The rollups count the site's local days, so a time zone with other days recounts them from
   * the stored events and visits, in the transaction that changes it: reads never see days of
   * one zone taken for the other's.
   */
  private changeTimezone(site: SiteRow, timezone: string): void {
    this.retime.run(timezone, site.domain);
    if (zoneDays(timezone).key === zoneDays(site.timezone).key) return;
    this.rollups.rebuildSite(site.domain);
    this.visitRollups.rebuildSite(site.domain);
  }

    createApiKey(key: ApiKeyRecord): Promise<void> {
    return this.run('createApiKey', () => this.admin.createApiKey(key)).then(() => this.durable());
  }

  findApiKey(hash: string): Promise<ApiKeyRecord | null> {
    return this.run('findApiKey', () => this.admin.findApiKey(hash));
  }

  listApiKeys(site: string): Promise<ApiKeyRecord[]> {
    return this.run('listApiKeys', () => this.admin.listApiKeys(site));
  }

  markApiKeyUsed(id: string, at: number): Promise<void> {
    return this.run('markApiKeyUsed', () => this.admin.markApiKeyUsed(id, at));
  }

  deleteApiKey(site: string, id: string): Promise<boolean> {
    return this.run('deleteApiKey', () => this.admin.deleteApiKey(site, id)).then(async (found) => {
      await this.durable();
      return found;
    });
  }

  setRetention(domain: string, days: number | null): Promise<boolean> {
    return this.run('setRetention', () => this.retention.setRetention(domain, days)).then(async (found) => {
      await this.durable();
      return found;
    });
  }

  retentionSettings(): Promise<Array<{ site: string; days: number }>> {
    return this.run('retentionSettings', () => this.retention.retentionSettings());
  }

  purgeEvents(site: string, before: number): Promise<number> {
    return this.run('purgeEvents', () => this.retention.purgeEvents(site, before)).then(async (deleted) => {
      await this.durable();
      return deleted;
    });
  }

  deleteSite(domain: string): Promise<boolean> {
    return this.run('deleteSite', () => this.retention.deleteSite(domain)).then(async (found) => {
      await this.durable();
      return found;
    });
  }

  putGoal(goal: GoalRecord): Promise<GoalRecord> {
    return this.run('putGoal', () => this.definitions.putGoal(goal)).then(async (stored) => {
      await this.durable();
      return stored;
    });
  }

  listGoals(site: string): Promise<GoalRecord[]> {
    return this.run('listGoals', () => this.definitions.listGoals(site));
  }

  deleteGoal(site: string, id: number): Promise<boolean> {
    return this.run('deleteGoal', () => this.definitions.deleteGoal(site, id)).then(async (found) => {
      await this.durable();
      return found;
    });
  }

  putFunnel(funnel: FunnelRecord): Promise<FunnelRecord> {
    return this.run('putFunnel', () => this.definitions.putFunnel(funnel)).then(async (stored) => {
      await this.durable();
      return stored;
    });
  }

  listFunnels(site: string): Promise<FunnelRecord[]> {
    return this.run('listFunnels', () => this.definitions.listFunnels(site));
  }

  deleteFunnel(site: string, id: number): Promise<boolean> {
    return this.run('deleteFunnel', () => this.definitions.deleteFunnel(site, id)).then(async (found) => {
      await this.durable();
      return found;
    });
  }

  /** One server writes a database file, so its purge never competes with another's. */
  claimPurge(): Promise<boolean> {
    return Promise.resolve(true);
  }

  ping(): Promise<void> {
    return this.run('ping', () => {
      this.db.prepare('SELECT 1').get();
    });
  }

  async close(): Promise<void> {
    await this.readers?.close();
    await this.checkpointer?.stop();
    return this.run('close', () => {
      this.projection.stop();
      try {
        if (this.db.open) this.projection.catchUp();
      } finally {
        if (this.walFd !== undefined) closeSync(this.walFd);
        this.walFd = undefined;
        if (this.db.open) this.db.close();
      }
    });
  }
}
