/**
 * Per-day rollups of counted events (pageviews and custom events), kept exact in the same
 * transaction as the events they count, so event measures over whole days are read from a few
 * rows per day instead of every event.
 *
 * A site's days start at its own midnight in standard time: day = floor((ts + shift) / 24 h),
 * with the site's `rollup_shift_ms` (its UTC offset outside daylight-saving time). Its dashboard
 * asks for whole local days, which are then whole rollup days, or an hour off them in summer;
 * with UTC days a Berlin site's every day was a 23-hour edge read from the events.
 *
 *   day_visitors       (site, visitor_id, day, multi): the visitor had a counted event that day
 *   day_page_visitors  (site, visitor_id, path, day, multi): the same per page
 *   day_totals         (site, day, visitors, pageviews, events)
 *   day_pages          (site, day, path, visitors, pageviews, events)
 *
 * Summing per-day visitors counts an id once per day it was seen. Anonymous ids change with the
 * daily salt, but identified visitors keep theirs across days, so `multi` marks every row of an
 * id (id and path) that has rows on more than one day; distinct visitors over days [d1, d2) are
 * then SUM(visitors) - (COUNT(*) - COUNT(DISTINCT visitor_id)) over the multi rows of those days.
 * A flag left at 1 after a purge removed the other days is harmless: an id with one row in the
 * range subtracts 0.
 */
import type Database from 'better-sqlite3';
import { IANAZone } from 'luxon';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import type { StoredEvent } from '../types.js';

export const DAY_MS = 86_400_000;

/** The zone's offset in standard time, the smaller of January's and July's (DST only adds). */
export function rollupShiftMs(timezone: string, at: number): number {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) return 0;
  const year = new Date(at).getUTCFullYear();
  return Math.min(zone.offset(Date.UTC(year, 0, 1)), zone.offset(Date.UTC(year, 6, 1))) * 60_000;
}

/** The rollup day of an instant, and the instant a rollup day starts, for a site's shift. */
export const rollupDay = (ts: number, shift: number) => Math.floor((ts + shift) / DAY_MS);
export const rollupDayStart = (day: number, shift: number) => day * DAY_MS - shift;

const TABLES = ['day_visitors', 'day_page_visitors', 'day_totals', 'day_pages'] as const;

interface Counts {
  site: string;
  day: number;
  path: string;
  visitors: number;
  pageviews: number;
  events: number;
}

function countsFor(map: Map<string, Counts>, key: string, site: string, day: number, path: string): Counts {
  let counts = map.get(key);
  if (counts === undefined) {
    counts = { site, day, path, visitors: 0, pageviews: 0, events: 0 };
    map.set(key, counts);
  }
  return counts;
}

export class SqliteRollups {
  private readonly insertVisitor;
  private readonly markVisitor;
  private readonly insertPageVisitor;
  private readonly markPageVisitor;
  private readonly addTotals;
  private readonly addPage;
  private readonly clearSite;
  private readonly dropDayVisitors;
  private readonly dropDayPageVisitors;
  private readonly dropDayTotals;
  private readonly dropDayPages;
  private readonly cutVisitors;
  private readonly cutPagePairs;
  private readonly deletePageVisitor;
  private readonly cutCounts;
  private readonly subtractTotals;
  private readonly subtractPage;
  private readonly dropEmptyTotals;
  private readonly dropEmptyPages;
  private readonly selectShift;
  private readonly refill;
  /** Each site's shift; it never changes, as a site's time zone cannot. */
  private readonly shifts = new Map<string, number>();

  constructor(db: Database.Database) {
    this.selectShift = db.prepare<[string], number>('SELECT rollup_shift_ms FROM sites WHERE domain = ?').pluck();
    // RETURNING yields a row only when the (id, day) pair is new; its multi says whether the id
    // already had another day, and then every row of the id must carry the flag.
    this.insertVisitor = db
      .prepare<[string, number, number, string, number], number>(`
        INSERT INTO day_visitors (site, visitor_id, day, multi)
        VALUES (?, ?, ?, EXISTS (SELECT 1 FROM day_visitors WHERE site = ? AND visitor_id = ?))
        ON CONFLICT DO NOTHING RETURNING multi`)
      .pluck();
    this.markVisitor = db.prepare('UPDATE day_visitors SET multi = 1 WHERE site = ? AND visitor_id = ? AND multi = 0');
    this.insertPageVisitor = db
      .prepare<[string, number, string, number, string, number, string], number>(`
        INSERT INTO day_page_visitors (site, visitor_id, path, day, multi)
        VALUES (?, ?, ?, ?, EXISTS (SELECT 1 FROM day_page_visitors WHERE site = ? AND visitor_id = ? AND path = ?))
        ON CONFLICT DO NOTHING RETURNING multi`)
      .pluck();
    this.markPageVisitor = db.prepare(
      'UPDATE day_page_visitors SET multi = 1 WHERE site = ? AND visitor_id = ? AND path = ? AND multi = 0',
    );
    this.addTotals = db.prepare(`
      INSERT INTO day_totals (site, day, visitors, pageviews, events) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET visitors = visitors + excluded.visitors, pageviews = pageviews + excluded.pageviews,
        events = events + excluded.events`);
    this.addPage = db.prepare(`
      INSERT INTO day_pages (site, day, path, visitors, pageviews, events) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET visitors = visitors + excluded.visitors, pageviews = pageviews + excluded.pageviews,
        events = events + excluded.events`);

    this.clearSite = TABLES.map((table) => db.prepare(`DELETE FROM ${table} WHERE site = ?`));
    // As the migration that added the rollups filled them, for one site and its shift.
    // A bound number arrives as REAL; integer division needs the shift as an INTEGER.
    const shifted = 'ts + CAST(@shift AS INTEGER)';
    const countedDays = `(SELECT visitor_id, path, name, (${shifted}) / ${DAY_MS} - ((${shifted}) % ${DAY_MS} < 0) AS day
      FROM events WHERE site = @site AND name <> '${ENGAGEMENT}')`;
    this.refill = [
      `INSERT INTO day_visitors (site, visitor_id, day, multi) SELECT @site, visitor_id, day, 0 FROM ${countedDays} GROUP BY visitor_id, day`,
      `UPDATE day_visitors SET multi = 1 WHERE site = @site AND visitor_id IN
        (SELECT visitor_id FROM day_visitors WHERE site = @site GROUP BY visitor_id HAVING COUNT(*) > 1)`,
      `INSERT INTO day_page_visitors (site, visitor_id, path, day, multi)
        SELECT @site, visitor_id, path, day, 0 FROM ${countedDays} GROUP BY visitor_id, path, day`,
      `UPDATE day_page_visitors SET multi = 1 WHERE site = @site AND (visitor_id, path) IN
        (SELECT visitor_id, path FROM day_page_visitors WHERE site = @site GROUP BY visitor_id, path HAVING COUNT(*) > 1)`,
      `INSERT INTO day_totals (site, day, visitors, pageviews, events)
        SELECT @site, day, COUNT(DISTINCT visitor_id), SUM(name = '${PAGEVIEW}'), SUM(name <> '${PAGEVIEW}') FROM ${countedDays} GROUP BY day`,
      `INSERT INTO day_pages (site, day, path, visitors, pageviews, events)
        SELECT @site, day, path, COUNT(DISTINCT visitor_id), SUM(name = '${PAGEVIEW}'), SUM(name <> '${PAGEVIEW}') FROM ${countedDays} GROUP BY day, path`,
    ].map((sql) => db.prepare(sql));

    // A purge takes rows away in proportion to the events it deletes: the ids to look up come
    // from those events, never from a scan of the site's rollups.
    const counted = (bounds: string) => `FROM events WHERE site = ? AND ${bounds} AND name <> '${ENGAGEMENT}'`;
    this.dropDayVisitors = db.prepare(`
      DELETE FROM day_visitors WHERE site = ? AND day < ? AND visitor_id IN (SELECT visitor_id ${counted('ts < ?')})`);
    this.dropDayPageVisitors = db.prepare(`
      DELETE FROM day_page_visitors WHERE site = ? AND day < ? AND visitor_id IN (SELECT visitor_id ${counted('ts < ?')})`);
    this.dropDayTotals = db.prepare('DELETE FROM day_totals WHERE site = ? AND day < ?');
    this.dropDayPages = db.prepare('DELETE FROM day_pages WHERE site = ? AND day < ?');
    // In a day cut in two, an id (id and path) goes when all its events were in the deleted part.
    const goneFromDay = (columns: string) => `SELECT ${columns} ${counted('ts >= ? AND ts < ?')}
      EXCEPT SELECT ${columns} ${counted('ts >= ? AND ts < ?')}`;
    this.cutVisitors = db.prepare(`
      DELETE FROM day_visitors WHERE site = ? AND day = ? AND visitor_id IN (${goneFromDay('visitor_id')})`);
    // Deleted one by one: SQLite answers (visitor_id, path) IN (...) by scanning the site's rows.
    this.cutPagePairs = db.prepare<unknown[], { visitor_id: number; path: string }>(goneFromDay('visitor_id, path'));
    this.deletePageVisitor = db.prepare('DELETE FROM day_page_visitors WHERE site = ? AND visitor_id = ? AND path = ? AND day = ?');
    this.cutCounts = db.prepare<[string, number, number], { path: string; pageviews: number; events: number }>(`
      SELECT path, SUM(name = '${PAGEVIEW}') AS pageviews, SUM(name <> '${PAGEVIEW}') AS events
      ${counted('ts >= ? AND ts < ?')} GROUP BY path`);
    this.subtractTotals = db.prepare(
      'UPDATE day_totals SET visitors = visitors - ?, pageviews = pageviews - ?, events = events - ? WHERE site = ? AND day = ?',
    );
    this.subtractPage = db.prepare(
      'UPDATE day_pages SET visitors = visitors - ?, pageviews = pageviews - ?, events = events - ? WHERE site = ? AND day = ? AND path = ?',
    );
    this.dropEmptyTotals = db.prepare('DELETE FROM day_totals WHERE site = ? AND day = ? AND pageviews = 0 AND events = 0');
    this.dropEmptyPages = db.prepare('DELETE FROM day_pages WHERE site = ? AND day = ? AND pageviews = 0 AND events = 0');
  }

  shiftOf(site: string): number {
    let shift = this.shifts.get(site);
    if (shift === undefined) {
      shift = this.selectShift.get(site) ?? 0;
      this.shifts.set(site, shift);
    }
    return shift;
  }

  /** Counts a batch of new events; runs inside the transaction that inserts them. */
  record(events: readonly StoredEvent[]): void {
    const totals = new Map<string, Counts>();
    const pages = new Map<string, Counts>();
    // Pairs already looked up in this batch: most batches repeat a visitor several times.
    const seen = new Set<string>();
    for (const e of events) {
      if (e.name === ENGAGEMENT) continue;
      const day = rollupDay(e.ts, this.shiftOf(e.site));
      const dayKey = `${e.site}\u0000${day}`;
      const total = countsFor(totals, dayKey, e.site, day, '');
      const page = countsFor(pages, `${dayKey}\u0000${e.path}`, e.site, day, e.path);
      if (e.name === PAGEVIEW) {
        total.pageviews++;
        page.pageviews++;
      } else {
        total.events++;
        page.events++;
      }
      const visitorKey = `${dayKey}\u0000${e.visitorId}`;
      if (!seen.has(visitorKey)) {
        seen.add(visitorKey);
        const multi = this.insertVisitor.get(e.site, e.visitorId, day, e.site, e.visitorId);
        if (multi !== undefined) {
          total.visitors++;
          if (multi === 1) this.markVisitor.run(e.site, e.visitorId);
        }
      }
      // The path goes last: it is the only part that may contain any character.
      const pageVisitorKey = `${visitorKey}\u0000${e.path}`;
      if (!seen.has(pageVisitorKey)) {
        seen.add(pageVisitorKey);
        const multi = this.insertPageVisitor.get(e.site, e.visitorId, e.path, day, e.site, e.visitorId, e.path);
        if (multi !== undefined) {
          page.visitors++;
          if (multi === 1) this.markPageVisitor.run(e.site, e.visitorId, e.path);
        }
      }
    }
    for (const t of totals.values()) this.addTotals.run(t.site, t.day, t.visitors, t.pageviews, t.events);
    for (const p of pages.values()) this.addPage.run(p.site, p.day, p.path, p.visitors, p.pageviews, p.events);
  }

  /**
   * Runs in the transaction that deletes the site's events with ts < before, ahead of it, while
   * those events can still tell which rows they made: days wholly before `before` go, and the
   * counts of a day it cuts lose what the deleted part of the day contributed.
   */
  purging(site: string, before: number): void {
    const shift = this.shiftOf(site);
    const day = rollupDay(before, shift);
    const dayStart = rollupDayStart(day, shift);
    this.dropDayVisitors.run(site, day, site, dayStart);
    this.dropDayPageVisitors.run(site, day, site, dayStart);
    this.dropDayTotals.run(site, day);
    this.dropDayPages.run(site, day);
    if (before === dayStart) return;

    const parts = [site, dayStart, before, site, before, dayStart + DAY_MS];
    const visitors = this.cutVisitors.run(site, day, ...parts).changes;
    const pageVisitors = new Map<string, number>();
    for (const { visitor_id: visitorId, path } of this.cutPagePairs.all(...parts)) {
      this.deletePageVisitor.run(site, visitorId, path, day);
      pageVisitors.set(path, (pageVisitors.get(path) ?? 0) + 1);
    }
    let pageviews = 0;
    let events = 0;
    for (const page of this.cutCounts.all(site, dayStart, before)) {
      this.subtractPage.run(pageVisitors.get(page.path) ?? 0, page.pageviews, page.events, site, day, page.path);
      pageviews += page.pageviews;
      events += page.events;
    }
    this.subtractTotals.run(visitors, pageviews, events, site, day);
    this.dropEmptyPages.run(site, day);
    this.dropEmptyTotals.run(site, day);
  }

  deleteSite(site: string): void {
    for (const statement of this.clearSite) statement.run(site);
    this.shifts.delete(site);
  }

  /** Recounts a site's rollups from its events, for days under its current shift. */
  rebuildSite(site: string): void {
    this.shifts.delete(site);
    const shift = this.shiftOf(site);
    for (const statement of this.clearSite) statement.run(site);
    for (const statement of this.refill) statement.run({ site, shift });
  }
}
