/**
 * Per-day rollups of counted visits by each visit property, kept exact in the same transaction
 * as the visits (visits.ts), so an unfiltered visit breakdown reads a few rows per day and value
 * instead of every visit in the range.
 *
 *   visit_day_groups  (site, field, day, value, missing, visitors, visits, bounces, pageviews,
 *                      events, engagement_ms): visits that start on `day` (the site's rollup day,
 *                      rollups.ts) with that value of the field; `*` groups every visit
 *   visit_days        (site, visitor_id, day, multi): the visitor has a visit starting that day;
 *                      `multi` when they have such rows on several days
 *
 * `visitors` is distinct within a day and group. Over several days the same id can be counted
 * once per day: the query (queries/visit-groups.ts) corrects that from the visits of the ids
 * marked multi, which are few because anonymous ids change every day. Their visits carry the
 * flag too (visits.multi), which puts them in a covering index the query reads as one range. A
 * flag or a row left behind when a visit moved to another day, or a purge took the other days,
 * is harmless: it only adds an id to those checked.
 *
 * A batch's changes to one group add up in memory and are written once: under load most visits
 * of a batch share a browser, a country or a source, so a batch writes far fewer rows than visits.
 */
import type Database from 'better-sqlite3';
import { BOUNCE_ENGAGED_MS, type VisitField } from '../types.js';
import { FIRST_EVENT_FIELD_NAMES, visitColumn } from '../fields.js';
import type { RollupDays } from '../rollup-days.js';
import { ATTRIBUTE_COLUMNS, type Visit } from './visits.js';

/** Every visit property, and `*` for all visits together. */
export const GROUP_FIELDS: readonly VisitField[] = ['entry_page', 'exit_page', ...FIRST_EVENT_FIELD_NAMES];
export const ALL_VISITS = '*';
type GroupField = VisitField | typeof ALL_VISITS;
const FIELDS: readonly GroupField[] = [ALL_VISITS, ...GROUP_FIELDS];

export function visitValue(visit: Visit, field: GroupField): string | null {
  if (field === ALL_VISITS) return null;
  if (field === 'entry_page') return visit.entryPage;
  if (field === 'exit_page') return visit.exitPage;
  return visit.attributes[ATTRIBUTE_COLUMNS.indexOf(visitColumn(field))] ?? null;
}

export const isCounted = (visit: Visit) => visit.pageviews + visit.events > 0;
export const isBounce = (visit: Visit) => visit.pageviews === 1 && visit.events === 0 && visit.engagementMs < BOUNCE_ENGAGED_MS;

interface Delta {
  site: string;
  field: GroupField;
  day: number;
  value: string | null;
  visitors: number;
  visits: number;
  bounces: number;
  pageviews: number;
  events: number;
  engagementMs: number;
}

/** The columns of another visit that tell which groups it is in. */
const GROUP_COLUMNS = ['entry_page', 'exit_page', ...ATTRIBUTE_COLUMNS];

/** visits.multi, kept equal to the visitor's mark in visit_days. */
class MultiVisitFlags {
  private readonly flagVisitor;
  private readonly flagVisit;
  private readonly reflagSite;

  constructor(db: Database.Database) {
    // Left to itself the planner reads every visit of the site for one visitor's few.
    this.flagVisitor = db.prepare('UPDATE visits INDEXED BY visits_visitor SET multi = 1 WHERE site = ? AND visitor_id = ? AND multi = 0');
    this.flagVisit = db.prepare(`
      UPDATE visits SET multi = 1 WHERE site = ? AND session_id = ? AND multi = 0
        AND EXISTS (SELECT 1 FROM visit_days WHERE site = ? AND visitor_id = ? AND multi = 1)`);
    this.reflagSite = db.prepare(`
      UPDATE visits SET multi = visitor_id IN (SELECT visitor_id FROM visit_days WHERE site = @site AND multi = 1) WHERE site = @site`);
  }

  /** The visitor was just marked: all their visits. */
  visitor(site: string, visitorId: number): void {
    this.flagVisitor.run(site, visitorId);
  }

  /** A row written anew starts unflagged, though its visitor may be marked already. */
  visit(site: string, sessionId: number, visitorId: number): void {
    this.flagVisit.run(site, sessionId, site, visitorId);
  }

  site(site: string): void {
    this.reflagSite.run({ site });
  }
}

export class SqliteVisitRollups {
  private readonly deltas = new Map<string, Delta>();
  private readonly otherVisits;
  private readonly addGroup;
  private readonly dropEmpty;
  private readonly insertDay;
  private readonly markDay;
  private readonly flags;
  private readonly clearDays;
  private readonly clearGroups;
  private readonly clearVisitDays;
  private readonly refill;
  private readonly refillDays;

  /** `flagsVisits` false: a migration that runs before the visits table has its multi column. */
  constructor(
    private readonly db: Database.Database,
    private readonly daysOf: (site: string) => RollupDays,
    flagsVisits = true,
  ) {
    this.flags = flagsVisits ? new MultiVisitFlags(db) : undefined;
    // The planner reads a whole day of the site's visits by start rather than the visitor's few.
    this.otherVisits = db
      .prepare<[string, number, number, number, number], Array<string | null>>(`
        SELECT ${GROUP_COLUMNS.join(', ')} FROM visits INDEXED BY visits_visitor
        WHERE site = ? AND visitor_id = ? AND start_ts >= ? AND start_ts < ? AND session_id <> ? AND pageviews + events > 0`)
      .raw();
    this.addGroup = db.prepare(`
      INSERT INTO visit_day_groups (site, field, day, value, missing, visitors, visits, bounces, pageviews, events, engagement_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET visitors = visitors + excluded.visitors, visits = visits + excluded.visits,
        bounces = bounces + excluded.bounces, pageviews = pageviews + excluded.pageviews, events = events + excluded.events,
        engagement_ms = engagement_ms + excluded.engagement_ms`);
    this.dropEmpty = db.prepare(
      'DELETE FROM visit_day_groups WHERE site = ? AND field = ? AND day = ? AND value = ? AND missing = ? AND visits = 0',
    );
    this.insertDay = db
      .prepare<[string, number, string, number, number], number>(`
        INSERT INTO visit_days (multi, site, visitor_id, day)
        VALUES (EXISTS (SELECT 1 FROM visit_days WHERE site = ? AND visitor_id = ?), ?, ?, ?)
        ON CONFLICT DO NOTHING RETURNING multi`)
      .pluck();
    this.markDay = db.prepare('UPDATE visit_days SET multi = 1 WHERE site = ? AND visitor_id = ? AND multi = 0');
    this.clearDays = db.prepare('DELETE FROM visit_day_groups WHERE site = ? AND day >= ? AND day < ?');
    this.clearGroups = db.prepare('DELETE FROM visit_day_groups WHERE site = ?');
    this.clearVisitDays = db.prepare('DELETE FROM visit_days WHERE site = ? AND day < ?');
    // Recounting days from the visits table, one statement per field; the day of each visit is
    // SQL of the site's zone, so they are prepared for each recount, which is rare.
    this.refill = (days: RollupDays) => FIELDS.map((field) => {
      const value = field === ALL_VISITS ? 'NULL' : visitColumn(field);
      return `
        INSERT INTO visit_day_groups (site, field, day, value, missing, visitors, visits, bounces, pageviews, events, engagement_ms)
        SELECT @site, '${field}', day, COALESCE(v, ''), v IS NULL, COUNT(DISTINCT visitor_id), COUNT(*),
          SUM(pageviews = 1 AND events = 0 AND engagement_ms < ${BOUNCE_ENGAGED_MS}), SUM(pageviews), SUM(events), SUM(engagement_ms)
        FROM (SELECT ${value} AS v, visitor_id, pageviews, events, engagement_ms,
                ${days.sql('start_ts')} AS day
              FROM visits WHERE site = @site AND pageviews + events > 0)
        GROUP BY day, v`;
    });
    this.refillDays = (days: RollupDays) => [
      `INSERT INTO visit_days (site, visitor_id, day, multi)
        SELECT @site, visitor_id, ${days.sql('start_ts')}, 0
        FROM visits WHERE site = @site AND pageviews + events > 0 GROUP BY 2, 3`,
      `UPDATE visit_days SET multi = 1 WHERE site = @site AND visitor_id IN
        (SELECT visitor_id FROM visit_days WHERE site = @site GROUP BY visitor_id HAVING COUNT(*) > 1)`,
    ];
  }

  private delta(site: string, field: GroupField, day: number, value: string | null): Delta {
    const key = `${field}\u0000${day}\u0000${value === null ? '\u0001' : `\u0002${value}`}\u0000${site}`;
    let delta = this.deltas.get(key);
    if (delta === undefined) {
      delta = { site, field, day, value, visitors: 0, visits: 0, bounces: 0, pageviews: 0, events: 0, engagementMs: 0 };
      this.deltas.set(key, delta);
    }
    return delta;
  }

  /** Values of each group field in the visitor's other counted visits that start on `day`. */
  private othersOn(site: string, visitorId: number, day: number, sessionId: number): Array<Set<string | null>> {
    const days = this.daysOf(site);
    const rows = this.otherVisits.all(site, visitorId, days.start(day), days.start(day + 1), sessionId);
    return GROUP_FIELDS.map((_field, i) => new Set(rows.map((row) => row[i] ?? null)));
  }

  /**
   * Records that a visit went from `before` to `after` (either may be absent). The visits table
   * must already hold `after`, so the other visits looked up are the visitor's others; `rewritten`
   * when its row was written anew rather than changed in place.
   */
  changed(site: string, before: Visit | undefined, after: Visit | undefined, rewritten: boolean): void {
    const days = this.daysOf(site);
    const old = before !== undefined && isCounted(before) ? before : undefined;
    const now = after !== undefined && isCounted(after) ? after : undefined;
    const oldDay = old === undefined ? 0 : days.day(old.startTs);
    const newDay = now === undefined ? 0 : days.day(now.startTs);
    const sameVisitor = old !== undefined && now !== undefined && old.visitorId === now.visitorId && oldDay === newDay;
    let oldOthers: Array<Set<string | null>> | undefined;
    let newOthers: Array<Set<string | null>> | undefined;
    const dayRecorded = now !== undefined && (old === undefined || !sameVisitor) && this.visitDay(site, now.visitorId, newDay);
    if (now !== undefined && !dayRecorded && (old === undefined || !sameVisitor || rewritten)) {
      this.flags?.visit(site, now.sessionId, now.visitorId);
    }
    for (const field of FIELDS) {
      const oldValue = old === undefined ? undefined : visitValue(old, field);
      const newValue = now === undefined ? undefined : visitValue(now, field);
      if (sameVisitor && oldValue === newValue) {
        this.add(this.delta(site, field, newDay, newValue!), now!, 0, 1);
        this.add(this.delta(site, field, oldDay, oldValue!), old!, 0, -1);
        continue;
      }
      const index = GROUP_FIELDS.indexOf(field as VisitField);
      if (old !== undefined) {
        oldOthers ??= this.othersOn(site, old.visitorId, oldDay, old.sessionId);
        const alone = field === ALL_VISITS ? oldOthers.every((values) => values.size === 0) : !oldOthers[index]!.has(oldValue!);
        this.add(this.delta(site, field, oldDay, oldValue!), old, alone ? 1 : 0, -1);
      }
      if (now !== undefined) {
        // The same visitor on the same day has the same other visits before and after.
        newOthers ??= (sameVisitor ? oldOthers : undefined) ?? this.othersOn(site, now.visitorId, newDay, now.sessionId);
        const alone = field === ALL_VISITS ? newOthers.every((values) => values.size === 0) : !newOthers[index]!.has(newValue!);
        this.add(this.delta(site, field, newDay, newValue!), now, alone ? 1 : 0, 1);
      }
    }
  }

  private add(delta: Delta, visit: Visit, visitors: number, sign: 1 | -1): void {
    delta.visitors += sign * visitors;
    delta.visits += sign;
    delta.bounces += sign * (isBounce(visit) ? 1 : 0);
    delta.pageviews += sign * visit.pageviews;
    delta.events += sign * visit.events;
    delta.engagementMs += sign * visit.engagementMs;
  }

  /** True when the (visitor, day) row is new: the visitor's visits are then flagged as they should be. */
  private visitDay(site: string, visitorId: number, day: number): boolean {
    const multi = this.insertDay.get(site, visitorId, site, visitorId, day);
    if (multi === 1) {
      this.markDay.run(site, visitorId);
      this.flags?.visitor(site, visitorId);
    }
    return multi !== undefined;
  }

  /** Writes what the batch changed; runs at the end of the transaction that changed the visits. */
  flush(): void {
    for (const d of this.deltas.values()) {
      if (d.visits === 0 && d.visitors === 0 && d.bounces === 0 && d.pageviews === 0 && d.events === 0 && d.engagementMs === 0) continue;
      const value = d.value ?? '';
      const missing = d.value === null ? 1 : 0;
      this.addGroup.run(d.site, d.field, d.day, value, missing, d.visitors, d.visits, d.bounces, d.pageviews, d.events, d.engagementMs);
      if (d.visits < 0) this.dropEmpty.run(d.site, d.field, d.day, value, missing);
    }
    this.deltas.clear();
  }

  /** Drops changes not yet written: a batch that failed part-way is folded in again from the start. */
  discard(): void {
    this.deltas.clear();
  }

  /** Recounts every day of the site from the visits table. */
  rebuildSite(site: string): void {
    const days = this.daysOf(site);
    this.deleteSite(site);
    for (const sql of [...this.refill(days), ...this.refillDays(days)]) this.db.prepare(sql).run({ site });
    this.flags?.site(site);
  }

  /** When the rollup day holding `ts` starts. */
  dayStartOf(site: string, ts: number): number {
    const days = this.daysOf(site);
    return days.start(days.day(ts));
  }

  /** After a purge: days before `before` hold no visit any more. */
  purged(site: string, before: number): void {
    const day = this.daysOf(site).day(before);
    this.clearDays.run(site, Number.MIN_SAFE_INTEGER, day);
    this.clearVisitDays.run(site, day);
  }

  deleteSite(site: string): void {
    this.clearGroups.run(site);
    this.clearVisitDays.run(site, Number.MAX_SAFE_INTEGER);
  }
}
