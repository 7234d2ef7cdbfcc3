/**
 * The visits and the rollups follow the events in transactions of their own, a moment after the
 * events are committed, so that many events are folded in at once.
 *
 * A commit writes every page its transaction changed, and folding events in changes a row of
 * every visit group their visits are in (14 per visit) and pages of several random-keyed tables:
 * in each group commit of about 16 events, that cost more than twice the events' own insert.
 * Folded in by the hundred, the groups and pages they share are written once.
 *
 * `projection.last_event_id` is the newest event folded in, written in the transaction that folds
 * it, so a crash leaves nothing half done: the events after it are folded in at the next start.
 * Everything that reads or rewrites visits or rollups calls catchUp() first (reads, purges, site
 * deletion, a time zone change), so no answer and no recount ever misses an acknowledged event.
 */
import type Database from 'better-sqlite3';
import type { StoredEvent } from '../types.js';
import type { SqliteRollups } from './rollups.js';
import type { SqliteVisits } from './visits.js';

export interface ProjectionPace {
  /** Events committed but not yet folded in after which an insert folds them in at once. */
  maxEvents: number;
  /** How long an event waits at most, when fewer arrive. */
  maxDelayMs: number;
}

/**
 * Folding 128 events at once took about a third less store time per event than folding each
 * group commit's 16 (131–141 against 204–226 µs, with the insert), and holds the event loop for
 * about 10 ms; 256 took no less, and held it long enough to double ingest's p99 under the
 * benchmark's load (docs/performance.md, item 27).
 */
export const DEFAULT_PACE: ProjectionPace = { maxEvents: 128, maxDelayMs: 250 };

/** Events read back per statement while catching up after a restart. */
const CHUNK = 2_000;

type EventRow = Omit<StoredEvent, 'props' | 'eventId'> & { id: number; props: string | null };

/** Held events past which memory gives way to reading them back: only while folds keep failing. */
const MAX_HELD = 16 * DEFAULT_PACE.maxEvents;

export class SqliteProjection {
  private readonly selectMark;
  private readonly writeMark;
  private readonly eventsAfter;
  private readonly newestEvent;
  private readonly dataVersion;
  private readonly fold;
  /** Events this connection committed since it last folded; another process's are found by catchUp. */
  private behind = 0;
  /**
   * The events this connection committed since it last folded, with the id of the first: folded
   * from memory when they follow the mark and no other connection has written since they were
   * committed (it may have deleted them, and given their ids to others), read back otherwise.
   */
  private held: StoredEvent[] = [];
  private heldFrom = 0;
  private heldVersion = -1;
  private timer: NodeJS.Timeout | undefined;
  /** After a failed fold, inserts leave the next attempt to the timer instead of each trying again. */
  private failing = false;

  constructor(
    private readonly db: Database.Database,
    private readonly rollups: SqliteRollups,
    private readonly visits: SqliteVisits,
    private readonly pace: ProjectionPace = DEFAULT_PACE,
  ) {
    this.selectMark = db.prepare<[], number>('SELECT last_event_id FROM projection').pluck();
    this.writeMark = db.prepare('UPDATE projection SET last_event_id = ?');
    this.eventsAfter = db.prepare<[number, number], EventRow>(`
      SELECT id, site, ts, name, path, hostname, referrer, referrer_source AS referrerSource,
        utm_source AS utmSource, utm_medium AS utmMedium, utm_campaign AS utmCampaign, utm_term AS utmTerm,
        utm_content AS utmContent, browser, os, device, country, screen_width AS screenWidth,
        visitor_id AS visitorId, session_id AS sessionId, engagement_ms AS engagementMs, props
      FROM events WHERE id > ? ORDER BY id LIMIT ?`);
    this.newestEvent = db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM events').pluck();
    // Changes when another connection commits, never with this one's own commits.
    this.dataVersion = () => db.pragma('data_version', { simple: true }) as number;
    const foldIn = (events: readonly StoredEvent[], lastId: number) => {
      rollups.record(events);
      visits.record(events);
      this.writeMark.run(lastId);
      return lastId;
    };
    const fold = db.transaction(() => {
      let mark = this.selectMark.get()!;
      const heldTo = this.heldFrom + this.held.length - 1;
      const fromMemory = this.heldFrom <= mark + 1 && mark < heldTo && this.dataVersion() === this.heldVersion && heldTo <= this.newestEvent.get()!;
      if (fromMemory) mark = foldIn(this.held.slice(mark + 1 - this.heldFrom), heldTo);
      this.held = [];
      for (;;) {
        const rows = this.eventsAfter.all(mark, CHUNK);
        if (rows.length === 0) break;
        mark = foldIn(rows.map(eventOf), rows[rows.length - 1]!.id);
        if (rows.length < CHUNK) break;
      }
    });
    // Begun as a read, the transaction could not wait for the write lock: SQLite answers busy at
    // once when another connection (the checkpoint worker, the CLI) wrote since the read began.
    this.fold = fold.immediate;
  }

  /**
   * After an insert transaction, with the events it stored and the id of the last (the ids of
   * one transaction's events follow each other): folds them in when enough wait, or soon. A
   * failure here is left to the next catchUp, whose caller reports it: the events are committed,
   * and their senders must not be told otherwise.
   */
  committed(events: readonly StoredEvent[], lastId: number): void {
    if (events.length === 0) return;
    this.behind += events.length;
    const firstId = lastId - events.length + 1;
    const version = this.dataVersion();
    if (firstId !== this.heldFrom + this.held.length || version !== this.heldVersion || this.held.length + events.length > MAX_HELD) {
      this.held = [];
    }
    if (this.held.length === 0) [this.heldFrom, this.heldVersion] = [firstId, version];
    for (const e of events) this.held.push(e);
    if (this.behind >= this.pace.maxEvents && !this.failing) this.tryCatchUp();
    else this.timer ??= setTimeout(() => this.tryCatchUp(), this.pace.maxDelayMs).unref();
  }

  private tryCatchUp(): void {
    try {
      this.catchUp();
      this.failing = false;
    } catch {
      // Left to the timer, the next read (which reports it) or a purge: each folds from the mark.
      this.failing = true;
      this.timer ??= setTimeout(() => this.tryCatchUp(), this.pace.maxDelayMs).unref();
    }
  }

  /**
   * Before a read: folds in what this connection committed. Only the server inserts events, and
   * what another process left unfolded (a crash) was folded in when this one opened the file.
   */
  settle(): void {
    if (this.behind > 0) this.catchUp();
  }

  /** Folds in every committed event not yet folded in; inside a transaction, as part of it. */
  catchUp(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Without the write lock when there is nothing to fold: a CLI command opening the file while the server writes.
    if (this.held.length > 0 || this.newestEvent.get()! > this.selectMark.get()!) {
      try {
        this.fold();
      } catch (error) {
        this.forget();
        throw error;
      }
    }
    // Inside another transaction the fold is undone if that one fails: the next read folds again.
    this.behind = this.db.inTransaction ? 1 : 0;
  }

  /**
   * Drops what the visits and rollups keep in memory of the tables (the visit spans, unwritten
   * group changes, the sites' days): after a failed fold, or a transaction around one undone.
   */
  forget(): void {
    this.rollups.forget();
    this.visits.forget();
  }

  /**
   * After events were deleted, in the same transaction and with every event folded in before:
   * a new event may take the id of a deleted one (SQLite reuses the largest ids), and must not
   * be taken for one already folded in.
   */
  deleted(): void {
    this.writeMark.run(this.newestEvent.get()!);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function eventOf(row: EventRow): StoredEvent {
  const { id: _id, props, ...event } = row;
  return { ...event, props: props === null ? {} : (JSON.parse(props) as Record<string, string>) };
}
