/** Retention settings, purges and whole-site erasure in the SQLite store. */
import type Database from 'better-sqlite3';
import type { SqliteEventIds } from './event-ids.js';
import type { SqliteRollups } from './rollups.js';
import type { SqliteVisits } from './visits.js';
import type { SqliteDefinitions } from './definitions.js';
import type { SqliteProjection } from './projection.js';

export class SqliteRetention {
  private readonly setDays;
  private readonly selectSettings;
  private readonly deleteBefore;
  private readonly anyBefore;
  private readonly deleteEvents;
  private readonly deleteKeys;
  private readonly deleteSiteRow;
  private readonly deleteAll;
  private readonly purge;

  constructor(
    db: Database.Database,
    private readonly rollups: SqliteRollups,
    private readonly visits: SqliteVisits,
    private readonly eventIds: SqliteEventIds,
    private readonly definitions: SqliteDefinitions,
    projection: SqliteProjection,
  ) {
    this.setDays = db.prepare('UPDATE sites SET retention_days = ? WHERE domain = ?');
    this.selectSettings = db.prepare<[], { site: string; days: number }>(
      'SELECT domain AS site, retention_days AS days FROM sites WHERE retention_days IS NOT NULL ORDER BY domain',
    );
    this.deleteBefore = db.prepare('DELETE FROM events WHERE site = ? AND ts < ?');
    this.anyBefore = db.prepare<[string, number], number>('SELECT EXISTS (SELECT 1 FROM events WHERE site = ? AND ts < ?)').pluck();
    this.deleteEvents = db.prepare('DELETE FROM events WHERE site = ?');
    this.deleteKeys = db.prepare('DELETE FROM api_keys WHERE site = ?');
    this.deleteSiteRow = db.prepare('DELETE FROM sites WHERE domain = ?');
    this.deleteAll = db.transaction((domain: string) => {
      projection.catchUp();
      this.deleteEvents.run(domain);
      projection.deleted();
      this.rollups.deleteSite(domain);
      this.visits.deleteSite(domain);
      this.eventIds.deleteSite(domain);
      this.deleteKeys.run(domain);
      this.definitions.deleteSite(domain);
      return this.deleteSiteRow.run(domain).changes === 1;
    });
    this.purge = db.transaction((site: string, before: number) => {
      if (this.anyBefore.get(site, before) === 0) return 0;
      projection.catchUp();
      this.rollups.purging(site, before);
      const deleted = this.deleteBefore.run(site, before).changes;
      projection.deleted();
      this.visits.purged(site, before);
      return deleted;
    });
  }

  setRetention(domain: string, days: number | null): boolean {
    return this.setDays.run(days, domain).changes === 1;
  }

  retentionSettings(): Array<{ site: string; days: number }> {
    return this.selectSettings.all();
  }

  // Immediate: begun as a read, as the fold inside them begins, they could not wait for the write
  // lock another connection holds, and SQLite would answer busy at once.
  purgeEvents(site: string, before: number): number {
    return this.purge.immediate(site, before);
  }

  deleteSite(domain: string): boolean {
    return this.deleteAll.immediate(domain);
  }
}
