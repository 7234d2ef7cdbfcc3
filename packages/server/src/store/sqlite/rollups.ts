/**
 * Per-day rollups of counted events (pageviews and custom events), folded in from the events by
 * the projection (projection.ts), so event measures over whole days are read from a few rows per
 * day instead of every event.
 *
 * A site's days are its local dates, from midnight to midnight in its time zone (rollup-days.ts). Its dashboard
 * asks for whole local days, which are then whole rollup days, or an hour off them in summer;
 * with UTC days a Berlin site's every day was a 23-hour edge read from the events.
 *
 *   day_visitors       (site, visitor_id, day, multi): the visitor had a counted event that day
 *   day_totals         (site, day, visitors, pageviews, events)
 *
 * and the same per value of each rolled-up event field (ROLLUP_FIELDS), page and event name:
 *
 *   day_page_visitors, day_name_visitors  (site, visitor_id, path | name, day, multi)
 *   day_pages, day_names                  (site, day, path | name, visitors, pageviews, events)
 *
 * A page's rows also count its viewers apart: `viewed` marks a day_page_visitors row with a
 * pageview of the page, and day_pages.view_visitors counts those rows. A page goal is a pageview
 * of the page, and a custom event carries the page it was sent from, with or without a pageview
 * of it that day (an event sent over the API, a visit across midnight).
 *
 * Summing per-day visitors counts an id once per day it was seen. Anonymous ids change with the
 * daily salt, but identified visitors keep theirs across days, so `multi` marks every row of an
 * id (id and value) that has rows on more than one day; distinct visitors over days [d1, d2) are
 * then SUM(visitors) - (COUNT(*) - COUNT(DISTINCT visitor_id)) over the multi rows of those days.
 * A flag left at 1 after a purge removed the other days is harmless: an id with one row in the
 * range subtracts 0.
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { EVENT_FIELDS } from '../fields.js';
import type { RollupDays } from '../rollup-days.js';
import { siteDays } from './site-days.js';
import type { EventField, StoredEvent } from '../types.js';


interface Counts {
  site: string;
  day: number;
  value: string;
  visitors: number;
  /** Of `visitors`, those with a pageview: counted for the page field only. */
  viewVisitors: number;
  pageviews: number;
  events: number;
}

function countsFor(map: Map<string, Counts>, key: string, site: string, day: number, value: string): Counts {
  let counts = map.get(key);
  if (counts === undefined) {
    counts = { site, day, value, visitors: 0, viewVisitors: 0, pageviews: 0, events: 0 };
    map.set(key, counts);
  }
  return counts;
}

function count(counts: Counts, name: string): void {
  if (name === PAGEVIEW) counts.pageviews++;
  else counts.events++;
}

/** The event fields rolled up per value, with their tables and each event's value. */
export const ROLLUP_FIELDS = {
  page: { groups: 'day_pages', visitors: 'day_page_visitors', value: (e: StoredEvent) => e.path, views: true },
  name: { groups: 'day_names', visitors: 'day_name_visitors', value: (e: StoredEvent) => e.name, views: false },
} as const;

export type RollupField = keyof typeof ROLLUP_FIELDS;

export const isRollupField = (field: EventField): field is RollupField => field in ROLLUP_FIELDS;

/** A site's counted events with their rollup day, for one site (@site) and its days. */
const countedDays = (days: RollupDays) => `(SELECT visitor_id, path, name, ${days.sql('ts')} AS day
  FROM events WHERE site = @site AND name <> '${ENGAGEMENT}')`;
/** A site's counted events in a range of instants; a purge reads the ones it is about to delete. */
const counted = (bounds: string) => `FROM events WHERE site = ? AND ${bounds} AND name <> '${ENGAGEMENT}'`;
/** In a day cut in two, an id (or id and value) goes when all its events were in the deleted part. */
const goneFromDay = (columns: string, only = '') => `SELECT ${columns} ${counted('ts >= ? AND ts < ?')}${only}
  EXCEPT SELECT ${columns} ${counted('ts >= ? AND ts < ?')}${only}`;

/** The per-day rollup of one event field's values: its statements, and its share of each batch. */
class FieldRollup {
  private readonly field;
  private readonly value;
  private readonly views;
  private readonly insertVisitor;
  private readonly markVisitor;
  private readonly markViewed;
  private readonly addGroup;
  private readonly clear;
  private readonly refill;
  private readonly dropDayVisitors;
  private readonly dropDayGroups;
  private readonly cutPairs;
  private readonly deleteVisitor;
  private readonly cutViews;
  private readonly unmarkViewed;
  private readonly cutCounts;
  private readonly subtractGroup;
  private readonly dropEmptyGroups;

  constructor(
    private readonly db: Database.Database,
    field: RollupField,
  ) {
    const { groups, visitors, value, views } = ROLLUP_FIELDS[field];
    const column = EVENT_FIELDS[field].column;
    this.field = field;
    this.value = value;
    this.views = views;
    // The page field's extra columns, and how each is counted from events grouped by id and day, or by day.
    const viewed = views ? ', viewed' : '';
    const viewVisitors = views ? ', view_visitors' : '';
    const isView = `name = '${PAGEVIEW}'`;
    // As day_visitors' (SqliteRollups): a row comes back only for a new pair, saying whether the
    // id already had the value on another day.
    this.insertVisitor = db
      .prepare<unknown[], number>(`
        INSERT INTO ${visitors} (site, visitor_id, ${column}, day, multi${viewed})
        VALUES (?, ?, ?, ?, EXISTS (SELECT 1 FROM ${visitors} WHERE site = ? AND visitor_id = ? AND ${column} = ?)${views ? ', ?' : ''})
        ON CONFLICT DO NOTHING RETURNING multi`)
      .pluck();
    this.markVisitor = db.prepare(`UPDATE ${visitors} SET multi = 1 WHERE site = ? AND visitor_id = ? AND ${column} = ? AND multi = 0`);
    this.markViewed = views
      ? db.prepare(`UPDATE ${visitors} SET viewed = 1 WHERE site = ? AND visitor_id = ? AND ${column} = ? AND day = ? AND viewed = 0`)
      : undefined;
    this.addGroup = db.prepare(`
      INSERT INTO ${groups} (site, day, ${column}, visitors, pageviews, events${viewVisitors}) VALUES (?, ?, ?, ?, ?, ?${views ? ', ?' : ''})
      ON CONFLICT DO UPDATE SET visitors = visitors + excluded.visitors, pageviews = pageviews + excluded.pageviews,
        events = events + excluded.events${views ? ', view_visitors = view_visitors + excluded.view_visitors' : ''}`);
    this.clear = [groups, visitors].map((table) => db.prepare(`DELETE FROM ${table} WHERE site = ?`));
    // The day of each event is SQL of the site's zone: prepared for each recount, which is rare.
    this.refill = (days: RollupDays) => [
      `INSERT INTO ${visitors} (site, visitor_id, ${column}, day, multi${viewed})
        SELECT @site, visitor_id, ${column}, day, 0${views ? `, MAX(${isView})` : ''} FROM ${countedDays(days)} GROUP BY visitor_id, ${column}, day`,
      `UPDATE ${visitors} SET multi = 1 WHERE site = @site AND (visitor_id, ${column}) IN
        (SELECT visitor_id, ${column} FROM ${visitors} WHERE site = @site GROUP BY visitor_id, ${column} HAVING COUNT(*) > 1)`,
      `INSERT INTO ${groups} (site, day, ${column}, visitors, pageviews, events${viewVisitors})
        SELECT @site, day, ${column}, COUNT(DISTINCT visitor_id), SUM(${isView}), SUM(name <> '${PAGEVIEW}')
          ${views ? `, COUNT(DISTINCT CASE WHEN ${isView} THEN visitor_id END)` : ''}
        FROM ${countedDays(days)} GROUP BY day, ${column}`,
    ];

    this.dropDayVisitors = db.prepare(`
      DELETE FROM ${visitors} WHERE site = ? AND day < ? AND visitor_id IN (SELECT visitor_id ${counted('ts < ?')})`);
    this.dropDayGroups = db.prepare(`DELETE FROM ${groups} WHERE site = ? AND day < ?`);
    // Deleted one by one: SQLite answers (visitor_id, value) IN (...) by scanning the site's rows.
    this.cutPairs = db.prepare<unknown[], { visitor_id: number; value: string }>(goneFromDay(`visitor_id, ${column} AS value`));
    this.deleteVisitor = db
      .prepare<[string, number, string, number], number>(
        `DELETE FROM ${visitors} WHERE site = ? AND visitor_id = ? AND ${column} = ? AND day = ? RETURNING ${views ? 'viewed' : '0'}`,
      )
      .pluck();
    // The pairs whose pageviews of the day were all in the deleted part, though other events remain.
    this.cutViews = views
      ? db.prepare<unknown[], { visitor_id: number; value: string }>(goneFromDay(`visitor_id, ${column} AS value`, ` AND ${isView}`))
      : undefined;
    this.unmarkViewed = views
      ? db.prepare(`UPDATE ${visitors} SET viewed = 0 WHERE site = ? AND visitor_id = ? AND ${column} = ? AND day = ? AND viewed = 1`)
      : undefined;
    this.cutCounts = db.prepare<[string, number, number], { value: string; pageviews: number; events: number }>(`
      SELECT ${column} AS value, SUM(${isView}) AS pageviews, SUM(name <> '${PAGEVIEW}') AS events
      ${counted('ts >= ? AND ts < ?')} GROUP BY ${column}`);
    this.subtractGroup = db.prepare(`
      UPDATE ${groups} SET visitors = visitors - ?, pageviews = pageviews - ?, events = events - ?${views ? ', view_visitors = view_visitors - ?' : ''}
      WHERE site = ? AND day = ? AND ${column} = ?`);
    this.dropEmptyGroups = db.prepare(`DELETE FROM ${groups} WHERE site = ? AND day = ? AND pageviews = 0 AND events = 0`);
  }

  /**
   * Counts a counted event into the batch's groups, and records its (id, value, day) when new;
   * `seen` holds the pairs this batch already looked up, `visitorKey` is the event's site, day and id.
   */
  record(batch: Map<string, Counts>, seen: Set<string>, e: StoredEvent, day: number, visitorKey: string): void {
    const value = this.value(e);
    // The value goes last in each key: it is the only part that may contain any character.
    const group = countsFor(batch, `${e.site}\u0000${day}\u0000${value}`, e.site, day, value);
    count(group, e.name);
    const pairKey = `${visitorKey}\u0000${this.field}\u0000${value}`;
    const view = this.views && e.name === PAGEVIEW;
    const viewKey = `${visitorKey}\u0000view\u0000${value}`;
    if (!seen.has(pairKey)) {
      seen.add(pairKey);
      const params = [e.site, e.visitorId, value, day, e.site, e.visitorId, value];
      const multi = this.insertVisitor.get(...(this.views ? [...params, view ? 1 : 0] : params));
      if (multi !== undefined) {
        group.visitors++;
        if (multi === 1) this.markVisitor.run(e.site, e.visitorId, value);
        if (!view) return;
        seen.add(viewKey);
        group.viewVisitors++;
        return;
      }
    }
    // A pageview of a pair stored before this batch, or first seen here through a custom event.
    if (!view || seen.has(viewKey)) return;
    seen.add(viewKey);
    if (this.markViewed!.run(e.site, e.visitorId, value, day).changes > 0) group.viewVisitors++;
  }

  add(batch: Map<string, Counts>): void {
    for (const g of batch.values()) {
      const counts = [g.site, g.day, g.value, g.visitors, g.pageviews, g.events];
      this.addGroup.run(...(this.views ? [...counts, g.viewVisitors] : counts));
    }
  }

  /** As SqliteRollups.purging, for this field's rows: whole days before `day` go, and `day` loses what [dayStart, before) counted. */
  purging(site: string, day: number, [dayStart, dayEnd]: readonly [number, number], before: number): void {
    this.dropDayVisitors.run(site, day, site, dayStart);
    this.dropDayGroups.run(site, day);
    if (before === dayStart) return;
    const cut = [site, dayStart, before, site, before, dayEnd];
    const visitors = new Map<string, number>();
    const viewers = new Map<string, number>();
    const lost = (map: Map<string, number>, value: string) => map.set(value, (map.get(value) ?? 0) + 1);
    for (const { visitor_id: visitorId, value } of this.cutPairs.all(...cut)) {
      const viewed = this.deleteVisitor.get(site, visitorId, value, day);
      lost(visitors, value);
      if (viewed === 1) lost(viewers, value);
    }
    for (const { visitor_id: visitorId, value } of this.cutViews?.all(...cut) ?? []) {
      if (this.unmarkViewed!.run(site, visitorId, value, day).changes > 0) lost(viewers, value);
    }
    for (const group of this.cutCounts.all(site, dayStart, before)) {
      const counts = [visitors.get(group.value) ?? 0, group.pageviews, group.events];
      this.subtractGroup.run(...(this.views ? [...counts, viewers.get(group.value) ?? 0] : counts), site, day, group.value);
    }
    this.dropEmptyGroups.run(site, day);
  }

  deleteSite(site: string): void {
    for (const statement of this.clear) statement.run(site);
  }

  /** Counts a site's rows from its events, into tables that hold none of them. */
  fill(site: string, days: RollupDays): void {
    for (const sql of this.refill(days)) this.db.prepare(sql).run({ site });
  }
}

export class SqliteRollups {
  private readonly insertVisitor;
  private readonly markVisitor;
  private readonly addTotals;
  private readonly clearSite;
  private readonly dropDayVisitors;
  private readonly dropDayTotals;
  private readonly cutVisitors;
  private readonly cutCounts;
  private readonly subtractTotals;
  private readonly dropEmptyTotals;
  private readonly zoneDaysOf;
  private readonly refill;
  private readonly fields: ReadonlyMap<RollupField, FieldRollup>;
  /** Each site's days, until its time zone changes (rebuildSite). */
  private readonly days = new Map<string, RollupDays>();

  /** `fields` are the rolled-up fields whose tables exist: a migration may run before a later one adds some. */
  constructor(
    private readonly db: Database.Database,
    fields: readonly RollupField[] = Object.keys(ROLLUP_FIELDS) as RollupField[],
  ) {
    this.fields = new Map(fields.map((field) => [field, new FieldRollup(db, field)]));
    this.zoneDaysOf = siteDays(db);
    // RETURNING yields a row only when the (id, day) pair is new; its multi says whether the id
    // already had another day, and then every row of the id must carry the flag.
    this.insertVisitor = db
      .prepare<[string, number, number, string, number], number>(`
        INSERT INTO day_visitors (site, visitor_id, day, multi)
        VALUES (?, ?, ?, EXISTS (SELECT 1 FROM day_visitors WHERE site = ? AND visitor_id = ?))
        ON CONFLICT DO NOTHING RETURNING multi`)
      .pluck();
    this.markVisitor = db.prepare('UPDATE day_visitors SET multi = 1 WHERE site = ? AND visitor_id = ? AND multi = 0');
    this.addTotals = db.prepare(`
      INSERT INTO day_totals (site, day, visitors, pageviews, events) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET visitors = visitors + excluded.visitors, pageviews = pageviews + excluded.pageviews,
        events = events + excluded.events`);

    this.clearSite = ['day_visitors', 'day_totals'].map((table) => db.prepare(`DELETE FROM ${table} WHERE site = ?`));
    // As the migration that added the rollups filled them, for one site and its days.
    this.refill = (days: RollupDays) => [
      `INSERT INTO day_visitors (site, visitor_id, day, multi) SELECT @site, visitor_id, day, 0 FROM ${countedDays(days)} GROUP BY visitor_id, day`,
      `UPDATE day_visitors SET multi = 1 WHERE site = @site AND visitor_id IN
        (SELECT visitor_id FROM day_visitors WHERE site = @site GROUP BY visitor_id HAVING COUNT(*) > 1)`,
      `INSERT INTO day_totals (site, day, visitors, pageviews, events)
        SELECT @site, day, COUNT(DISTINCT visitor_id), SUM(name = '${PAGEVIEW}'), SUM(name <> '${PAGEVIEW}') FROM ${countedDays(days)} GROUP BY day`,
    ];

    // A purge takes rows away in proportion to the events it deletes: the ids to look up come
    // from those events, never from a scan of the site's rollups.
    this.dropDayVisitors = db.prepare(`
      DELETE FROM day_visitors WHERE site = ? AND day < ? AND visitor_id IN (SELECT visitor_id ${counted('ts < ?')})`);
    this.dropDayTotals = db.prepare('DELETE FROM day_totals WHERE site = ? AND day < ?');
    this.cutVisitors = db.prepare(`
      DELETE FROM day_visitors WHERE site = ? AND day = ? AND visitor_id IN (${goneFromDay('visitor_id')})`);
    // The deleted part of the day may hold no counted event, and SUM over no rows is NULL.
    this.cutCounts = db.prepare<[string, number, number], { pageviews: number; events: number }>(`
      SELECT COALESCE(SUM(name = '${PAGEVIEW}'), 0) AS pageviews, COALESCE(SUM(name <> '${PAGEVIEW}'), 0) AS events
      ${counted('ts >= ? AND ts < ?')}`);
    this.subtractTotals = db.prepare(
      'UPDATE day_totals SET visitors = visitors - ?, pageviews = pageviews - ?, events = events - ? WHERE site = ? AND day = ?',
    );
    this.dropEmptyTotals = db.prepare('DELETE FROM day_totals WHERE site = ? AND day = ? AND pageviews = 0 AND events = 0');
  }

  daysOf(site: string): RollupDays {
    let days = this.days.get(site);
    if (days === undefined) {
      days = this.zoneDaysOf(site);
      this.days.set(site, days);
    }
    return days;
  }

  /** Counts a batch of new events, in the order they were stored. */
  record(events: readonly StoredEvent[]): void {
    const totals = new Map<string, Counts>();
    const batches = new Map([...this.fields.keys()].map((field) => [field, new Map<string, Counts>()]));
    // Pairs already looked up in this batch: most batches repeat a visitor several times.
    const seen = new Set<string>();
    for (const e of events) {
      if (e.name === ENGAGEMENT) continue;
      const day = this.daysOf(e.site).day(e.ts);
      const dayKey = `${e.site}\u0000${day}`;
      const total = countsFor(totals, dayKey, e.site, day, '');
      count(total, e.name);
      const visitorKey = `${dayKey}\u0000${e.visitorId}`;
      if (!seen.has(visitorKey)) {
        seen.add(visitorKey);
        const multi = this.insertVisitor.get(e.site, e.visitorId, day, e.site, e.visitorId);
        if (multi !== undefined) {
          total.visitors++;
          if (multi === 1) this.markVisitor.run(e.site, e.visitorId);
        }
      }
      for (const [field, rollup] of this.fields) rollup.record(batches.get(field)!, seen, e, day, visitorKey);
    }
    for (const t of totals.values()) this.addTotals.run(t.site, t.day, t.visitors, t.pageviews, t.events);
    for (const [field, rollup] of this.fields) rollup.add(batches.get(field)!);
  }

  /**
   * Runs in the transaction that deletes the site's events with ts < before, ahead of it, while
   * those events can still tell which rows they made: days wholly before `before` go, and the
   * counts of a day it cuts lose what the deleted part of the day contributed.
   */
  purging(site: string, before: number): void {
    const days = this.daysOf(site);
    const day = days.day(before);
    const [dayStart, dayEnd] = [days.start(day), days.start(day + 1)];
    for (const rollup of this.fields.values()) rollup.purging(site, day, [dayStart, dayEnd], before);
    this.dropDayVisitors.run(site, day, site, dayStart);
    this.dropDayTotals.run(site, day);
    if (before === dayStart) return;

    const visitors = this.cutVisitors.run(site, day, site, dayStart, before, site, before, dayEnd).changes;
    const { pageviews, events } = this.cutCounts.get(site, dayStart, before)!;
    this.subtractTotals.run(visitors, pageviews, events, site, day);
    this.dropEmptyTotals.run(site, day);
  }

  /** Drops the sites' days held in memory: a time zone change undone with its transaction leaves them wrong. */
  forget(): void {
    this.days.clear();
  }

  deleteSite(site: string): void {
    for (const statement of this.clearSite) statement.run(site);
    for (const rollup of this.fields.values()) rollup.deleteSite(site);
    this.days.delete(site);
  }

  /** Recounts a site's rollups from its events, for the days of its current time zone. */
  rebuildSite(site: string): void {
    this.deleteSite(site);
    const days = this.daysOf(site);
    for (const sql of this.refill(days)) this.db.prepare(sql).run({ site });
    for (const rollup of this.fields.values()) rollup.fill(site, days);
  }

  /** Counts a field's rows of a site anew from its events: a field newly rolled up, or with a new column. */
  recountField(site: string, field: RollupField): void {
    const rollup = this.fields.get(field)!;
    rollup.deleteSite(site);
    rollup.fill(site, this.daysOf(site));
  }
}
