/**
 * Event ids seen lately, per site, so that an event sent again (a retry after a lost answer or a
 * failed send) is stored once. They are claimed in the transaction that stores the events, so an
 * id is taken exactly when its event is stored, and a server restart forgets nothing.
 */
import type Database from 'better-sqlite3';
import { EVENT_ID_MEMORY_MS, type StoredEvent } from '../types.js';

/** Old ids are swept once an hour of event time, not on every commit. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export class SqliteEventIds {
  private readonly claim;
  private readonly sweep;
  private readonly deleteForSite;
  private sweptAt = 0;

  constructor(db: Database.Database) {
    this.claim = db.prepare('INSERT INTO event_ids (site, id, ts) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.sweep = db.prepare('DELETE FROM event_ids WHERE ts < ?');
    this.deleteForSite = db.prepare('DELETE FROM event_ids WHERE site = ?');
  }

  /** The events not seen before, claiming their ids; call inside the transaction that stores them. */
  fresh(events: readonly StoredEvent[]): readonly StoredEvent[] {
    let latest = 0;
    const fresh = events.filter((event) => {
      latest = Math.max(latest, event.ts);
      return event.eventId === undefined || this.claim.run(event.site, event.eventId, event.ts).changes === 1;
    });
    if (latest - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sweep.run(latest - EVENT_ID_MEMORY_MS);
      this.sweptAt = latest;
    }
    return fresh.length === events.length ? events : fresh;
  }

  deleteSite(site: string): void {
    this.deleteForSite.run(site);
  }
}
