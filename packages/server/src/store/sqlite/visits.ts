/**
 * One row per visit (session), folded in from its events by the projection (projection.ts), so
 * visit measures and visit breakdowns read a row per visit instead of grouping every event.
 *
 * A row describes the whole visit: its first event (by ts, arrival order breaking ties) gives the
 * visitor and the first-event attributes, its first and last pageviews the entry and exit pages.
 * Stats ranges that cut a visit in two read that visit from its events instead (edge-visits.ts):
 * `visit_spans` keeps the longest visit of each site, which bounds where such visits can start.
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { FIRST_EVENT_FIELD_NAMES, FIRST_EVENT_FIELDS } from '../fields.js';
import type { StoredEvent } from '../types.js';
import type { SqliteVisitRollups } from './visit-rollups.js';

/** An event as far as its visit is concerned. `attributes` follow FIRST_EVENT_FIELD_NAMES. */
export interface VisitEvent {
  ts: number;
  name: string;
  path: string;
  visitorId: number;
  engagementMs: number | null;
  attributes: Array<string | null>;
}

export interface Visit {
  sessionId: number;
  visitorId: number;
  startTs: number;
  endTs: number;
  attributes: Array<string | null>;
  entryPage: string | null;
  entryTs: number | null;
  exitPage: string | null;
  exitTs: number | null;
  pageviews: number;
  events: number;
  engagementMs: number;
}

export const ATTRIBUTE_COLUMNS = FIRST_EVENT_FIELD_NAMES.map((field) => FIRST_EVENT_FIELDS[field].column);

/** The events table's columns that make a VisitEvent, in the order visitEventOf reads them. */
export const VISIT_EVENT_COLUMNS = ['session_id', 'ts', 'name', 'path', 'visitor_id', 'engagement_ms', ...ATTRIBUTE_COLUMNS];

export type VisitEventRow = [number, number, string, string, number, number | null, ...Array<string | null>];

export const visitEventOf = (row: VisitEventRow): VisitEvent => ({
  ts: row[1],
  name: row[2],
  path: row[3],
  visitorId: row[4],
  engagementMs: row[5],
  attributes: row.slice(6) as Array<string | null>,
});

const visitEventOfStored = (e: StoredEvent): VisitEvent => ({
  ts: e.ts,
  name: e.name,
  path: e.path,
  visitorId: e.visitorId,
  engagementMs: e.engagementMs,
  attributes: FIRST_EVENT_FIELD_NAMES.map((field) => e[FIRST_EVENT_FIELDS[field].port]),
});

export function startVisit(sessionId: number, e: VisitEvent): Visit {
  return {
    sessionId,
    visitorId: e.visitorId,
    startTs: e.ts,
    endTs: e.ts,
    attributes: e.attributes,
    entryPage: null,
    entryTs: null,
    exitPage: null,
    exitTs: null,
    pageviews: 0,
    events: 0,
    engagementMs: 0,
  };
}

/**
 * Adds an event that arrived after every event already folded in: on equal timestamps the
 * earlier arrival stays first and the later one becomes last, so the order events are folded in
 * must be arrival order (the events table's id).
 */
export function foldEvent(visit: Visit, e: VisitEvent): void {
  if (e.ts < visit.startTs) {
    visit.startTs = e.ts;
    visit.visitorId = e.visitorId;
    visit.attributes = e.attributes;
  }
  if (e.ts > visit.endTs) visit.endTs = e.ts;
  if (e.name === PAGEVIEW) {
    visit.pageviews++;
    if (visit.entryTs === null || e.ts < visit.entryTs) {
      visit.entryTs = e.ts;
      visit.entryPage = e.path;
    }
    if (visit.exitTs === null || e.ts >= visit.exitTs) {
      visit.exitTs = e.ts;
      visit.exitPage = e.path;
    }
  } else if (e.name !== ENGAGEMENT) {
    visit.events++;
  }
  visit.engagementMs += e.engagementMs ?? 0;
}

/** Folds rows of one or more sessions, each session's rows in arrival order. */
export function foldRows(rows: Iterable<VisitEventRow>): Map<number, Visit> {
  const visits = new Map<number, Visit>();
  for (const row of rows) {
    const e = visitEventOf(row);
    const visit = visits.get(row[0]);
    if (visit === undefined) visits.set(row[0], startVisit(row[0], e));
    foldEvent(visits.get(row[0])!, e);
  }
  return visits;
}

export const VISIT_COLUMNS = [
  'session_id', 'visitor_id', 'start_ts', 'end_ts', 'entry_page', 'entry_ts', 'exit_page', 'exit_ts',
  'pageviews', 'events', 'engagement_ms', ...ATTRIBUTE_COLUMNS,
];

/** What a later event of the visit can change without moving its start. */
const EXTENDED_COLUMNS = ['end_ts', 'entry_page', 'entry_ts', 'exit_page', 'exit_ts', 'pageviews', 'events', 'engagement_ms'];

export type VisitRow = [number, number, number, number, string | null, number | null, string | null, number | null, number, number, number, ...Array<string | null>];

export const visitOf = (row: VisitRow): Visit => ({
  sessionId: row[0],
  visitorId: row[1],
  startTs: row[2],
  endTs: row[3],
  entryPage: row[4],
  entryTs: row[5],
  exitPage: row[6],
  exitTs: row[7],
  pageviews: row[8],
  events: row[9],
  engagementMs: row[10],
  attributes: row.slice(11) as Array<string | null>,
});

const rowOf = (site: string, v: Visit): unknown[] => [
  site, v.sessionId, v.visitorId, v.startTs, v.endTs, v.entryPage, v.entryTs, v.exitPage, v.exitTs,
  v.pageviews, v.events, v.engagementMs, ...v.attributes,
];

/** Sessions rebuilt from their events per statement when a migration or a purge rebuilds them. */
const REBUILD_CHUNK = 5_000;

export class SqliteVisits {
  private readonly writeVisit;
  private readonly selectSpan;
  private readonly writeSpan;
  private readonly sessionEvents;
  private readonly deleteEnded;
  private readonly selectCut;
  private readonly clearSite;
  private readonly clearSpan;
  private readonly sessionsAfter;
  private readonly sites;
  private readonly wholeVisits;
  private readonly updateVisit;
  private readonly endedSince;
  private readonly deleteVisit;
  /** Longest visit per site as last written, so a batch writes the span only when it grows. */
  private readonly spans = new Map<string, number>();

  /** Without `groups` (a migration that runs before they exist), the per-day visit rollups are left alone. */
  constructor(
    db: Database.Database,
    private readonly groups?: SqliteVisitRollups,
  ) {
    this.writeVisit = db.prepare(
      `INSERT OR REPLACE INTO visits (site, ${VISIT_COLUMNS.join(', ')}) VALUES (${['site', ...VISIT_COLUMNS].map(() => '?').join(', ')})`,
    );
    // Most events extend a visit without moving its start: the row is then changed in place,
    // which spares the delete and insert in the table and both indexes that REPLACE costs. The
    // visitor and the first-event attributes only change with the start, so they are left out:
    // SQLite rewrites the entry of every index holding a column that an UPDATE sets, changed or not.
    this.updateVisit = db.prepare(
      `UPDATE visits SET ${EXTENDED_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE site = ? AND start_ts = ? AND session_id = ?`,
    );
    this.selectSpan = db.prepare<[string], number>('SELECT longest_ms FROM visit_spans WHERE site = ?').pluck();
    this.writeSpan = db.prepare(`
      INSERT INTO visit_spans (site, longest_ms) VALUES (?, ?)
      ON CONFLICT DO UPDATE SET longest_ms = MAX(longest_ms, excluded.longest_ms)`);
    this.sessionEvents = db
      .prepare<[string, string], VisitEventRow>(`
        SELECT ${VISIT_EVENT_COLUMNS.join(', ')} FROM events
        WHERE site = ? AND session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, id`)
      .raw();
    this.deleteEnded = db.prepare('DELETE FROM visits WHERE site = ? AND start_ts < ? AND end_ts < ?');
    this.selectCut = db.prepare<[string, number], number>('SELECT session_id FROM visits WHERE site = ? AND start_ts < ?').pluck();
    this.clearSite = db.prepare('DELETE FROM visits WHERE site = ?');
    this.clearSpan = db.prepare('DELETE FROM visit_spans WHERE site = ?');
    this.sessionsAfter = db
      .prepare<[string, number, number], number>(
        'SELECT DISTINCT session_id FROM events WHERE site = ? AND session_id > ? ORDER BY session_id LIMIT ?',
      )
      .pluck();
    this.sites = db.prepare<[], string>('SELECT DISTINCT site FROM events').pluck();
    this.wholeVisits = db
      .prepare<[string, string], VisitRow>(
        // Left to itself the planner reads every visit of the site, filtered through a Bloom filter.
        `SELECT ${VISIT_COLUMNS.join(', ')} FROM visits INDEXED BY visits_session WHERE site = ? AND session_id IN (SELECT value FROM json_each(?))`,
      )
      .raw();
    this.endedSince = db
      .prepare<[string, number, number, number], VisitRow>(
        `SELECT ${VISIT_COLUMNS.join(', ')} FROM visits WHERE site = ? AND start_ts >= ? AND start_ts < ? AND end_ts < ?`,
      )
      .raw();
    this.deleteVisit = db.prepare('DELETE FROM visits WHERE site = ? AND session_id = ?');
  }

  /** Folds a batch of new events, in the order they were stored, into their visits. */
  record(events: readonly StoredEvent[]): void {
    // The batch's visits already stored, read with one statement per site rather than one each.
    const sessions = new Map<string, Set<number>>();
    for (const e of events) {
      const ids = sessions.get(e.site) ?? new Set<number>();
      sessions.set(e.site, ids.add(e.sessionId));
    }
    const stored = new Map<string, VisitRow>();
    for (const [site, ids] of sessions) {
      for (const row of this.wholeVisits.all(site, JSON.stringify([...ids]))) stored.set(`${row[0]}\u0000${site}`, row);
    }
    const touched = new Map<string, { site: string; before: Visit | undefined; visit: Visit }>();
    for (const event of events) {
      const key = `${event.sessionId}\u0000${event.site}`;
      const e = visitEventOfStored(event);
      let entry = touched.get(key);
      if (entry === undefined) {
        const row = stored.get(key);
        entry =
          row === undefined
            ? { site: event.site, before: undefined, visit: startVisit(event.sessionId, e) }
            : { site: event.site, before: visitOf(row), visit: visitOf(row) };
        touched.set(key, entry);
      }
      foldEvent(entry.visit, e);
    }
    for (const { site, before, visit } of touched.values()) {
      const rewritten = this.write(site, visit, before);
      this.groups?.changed(site, before, visit, rewritten);
    }
    this.groups?.flush();
  }

  /** True when the row was written anew (a new visit, or one whose start moved), not changed in place. */
  private write(site: string, visit: Visit, before?: Visit): boolean {
    const inPlace = before !== undefined && before.startTs === visit.startTs;
    if (inPlace) {
      this.updateVisit.run(
        visit.endTs, visit.entryPage, visit.entryTs, visit.exitPage, visit.exitTs,
        visit.pageviews, visit.events, visit.engagementMs, site, visit.startTs, visit.sessionId,
      );
    } else {
      this.writeVisit.run(...rowOf(site, visit));
    }
    const span = visit.endTs - visit.startTs;
    let known = this.spans.get(site);
    if (known === undefined) {
      known = this.selectSpan.get(site) ?? 0;
      this.spans.set(site, known);
    }
    if (span > known) {
      this.writeSpan.run(site, span);
      this.spans.set(site, span);
    }
    return !inPlace;
  }

  /**
   * Rewrites the visits of these sessions from their stored events (none left: no visit), one
   * after the other: the visit rollups count a visitor in a group from the visitor's other visits
   * in the table, which must each be as they were before or as they are after, never missing.
   */
  private rebuild(site: string, sessionIds: readonly number[]): void {
    for (let i = 0; i < sessionIds.length; i += REBUILD_CHUNK) {
      const chunk = sessionIds.slice(i, i + REBUILD_CHUNK);
      const ids = JSON.stringify(chunk);
      const before = new Map(this.groups === undefined ? [] : this.wholeVisits.all(site, ids).map((row) => [row[0], visitOf(row)]));
      const rebuilt = foldRows(this.sessionEvents.all(site, ids));
      for (const sessionId of chunk) {
        const visit = rebuilt.get(sessionId);
        if (visit === undefined) {
          this.deleteVisit.run(site, sessionId);
          this.groups?.changed(site, before.get(sessionId), undefined, false);
        } else {
          this.write(site, visit);
          this.groups?.changed(site, before.get(sessionId), visit, true);
        }
      }
    }
    this.groups?.flush();
  }

  /**
   * Runs in the purge's transaction after the site's events with ts < before are deleted. The
   * visit rollups of whole days before the purge's day are dropped at once; visits of the day it
   * cuts, and visits it cuts, are taken out or changed one by one.
   */
  purged(site: string, before: number): void {
    if (this.groups !== undefined) {
      for (const row of this.endedSince.all(site, this.groups.dayStartOf(site, before), before, before)) {
        const gone = visitOf(row);
        this.deleteVisit.run(site, gone.sessionId);
        this.groups.changed(site, gone, undefined, false);
      }
    }
    this.deleteEnded.run(site, before, before);
    this.rebuild(site, this.selectCut.all(site, before));
    this.groups?.purged(site, before);
  }

  /** Drops the spans and the unwritten group changes held in memory, which may be ahead of a transaction undone. */
  forget(): void {
    this.spans.clear();
    this.groups?.discard();
  }

  deleteSite(site: string): void {
    this.clearSite.run(site);
    this.clearSpan.run(site);
    this.spans.delete(site);
    this.groups?.deleteSite(site);
  }

  /** Builds every visit from the stored events: the migration that adds the table. */
  fillFromEvents(): void {
    for (const site of this.sites.all()) {
      let after = -1;
      for (;;) {
        const ids = this.sessionsAfter.all(site, after, REBUILD_CHUNK);
        if (ids.length === 0) break;
        this.rebuild(site, ids);
        after = ids[ids.length - 1]!;
      }
    }
  }
}
