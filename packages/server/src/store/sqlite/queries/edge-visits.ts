/**
 * Visits that a range cuts in two: they have events on both sides of its start or of its end, so
 * their rows in the visits table describe more than the range holds. They are rebuilt from their
 * events inside the range with the same fold as at ingest. A visit that crosses an instant started
 * at most the site's longest visit before it, which bounds the rows looked at.
 */
import type Database from 'better-sqlite3';
import type { TimeRange } from '../../types.js';
import { foldRows, VISIT_COLUMNS, VISIT_EVENT_COLUMNS, visitOf, type Visit, type VisitEventRow, type VisitRow } from '../visits.js';

export class EdgeVisits {
  private readonly longest;
  private readonly crossing;
  private readonly eventsInRange;
  private readonly wholeVisits;

  constructor(db: Database.Database) {
    this.longest = db.prepare<[string], number>('SELECT longest_ms FROM visit_spans WHERE site = ?').pluck();
    this.crossing = db
      .prepare<[string, number, number, number], number>(
        'SELECT session_id FROM visits WHERE site = ? AND start_ts >= ? AND start_ts < ? AND end_ts >= ?',
      )
      .pluck();
    this.eventsInRange = db
      .prepare<[string, string, number, number], VisitEventRow>(`
        SELECT ${VISIT_EVENT_COLUMNS.join(', ')} FROM events
        WHERE site = ? AND session_id IN (SELECT value FROM json_each(?)) AND ts >= ? AND ts < ?
        ORDER BY session_id, id`)
      .raw();
    this.wholeVisits = db
      .prepare<[string, string], VisitRow>(
        `SELECT ${VISIT_COLUMNS.join(', ')} FROM visits WHERE site = ? AND session_id IN (SELECT value FROM json_each(?))`,
      )
      .raw();
  }

  private sessions(site: string, range: TimeRange): string | undefined {
    const span = this.longest.get(site) ?? 0;
    const sessions = new Set<number>();
    for (const instant of [range.from, range.to]) {
      for (const id of this.crossing.all(site, instant - span, instant, instant)) sessions.add(id);
    }
    return sessions.size === 0 ? undefined : JSON.stringify([...sessions]);
  }

  /** The range's part of every visit it cuts, as a visit of its own. */
  within(site: string, range: TimeRange): Visit[] {
    const sessions = this.sessions(site, range);
    if (sessions === undefined) return [];
    return [...foldRows(this.eventsInRange.all(site, sessions, range.from, range.to)).values()];
  }

  /** The visits the range cuts, whole as the visits table holds them and as their part inside the range. */
  cut(site: string, range: TimeRange): { whole: Visit[]; inside: Visit[] } {
    const sessions = this.sessions(site, range);
    if (sessions === undefined) return { whole: [], inside: [] };
    return {
      whole: this.wholeVisits.all(site, sessions).map(visitOf),
      inside: [...foldRows(this.eventsInRange.all(site, sessions, range.from, range.to)).values()],
    };
  }
}
