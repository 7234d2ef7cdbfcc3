/**
 * Per-UTC-day rollups of counted events (pageviews and custom events), kept exact in the same
 * transaction as the events they count, so event measures over whole UTC days are read from a
 * few rows per day instead of every event.
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
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import type { StoredEvent } from '../types.js';

export const DAY_MS = 86_400_000;

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
  private readonly clearBefore;
  private readonly clearSite;
  private readonly rebuildVisitors;
  private readonly rebuildPageVisitors;
  private readonly rebuildTotals;
  private readonly rebuildPages;

  constructor(db: Database.Database) {
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

    this.clearBefore = TABLES.map((table) => db.prepare(`DELETE FROM ${table} WHERE site = ? AND day < ?`));
    this.clearSite = TABLES.map((table) => db.prepare(`DELETE FROM ${table} WHERE site = ?`));
    // A day cut by a purge is counted again from its remaining events. Its rows were deleted
    // first, so any row of the id left is of another day.
    const remaining = `FROM events ev WHERE ev.site = ? AND ev.ts >= ? AND ev.ts < ? AND ev.name <> '${ENGAGEMENT}'`;
    this.rebuildVisitors = db.prepare(`
      INSERT INTO day_visitors (site, visitor_id, day, multi)
      SELECT ev.site, ev.visitor_id, ?, EXISTS (SELECT 1 FROM day_visitors o WHERE o.site = ev.site AND o.visitor_id = ev.visitor_id)
      ${remaining} GROUP BY ev.visitor_id`);
    this.rebuildPageVisitors = db.prepare(`
      INSERT INTO day_page_visitors (site, visitor_id, path, day, multi)
      SELECT ev.site, ev.visitor_id, ev.path, ?,
        EXISTS (SELECT 1 FROM day_page_visitors o WHERE o.site = ev.site AND o.visitor_id = ev.visitor_id AND o.path = ev.path)
      ${remaining} GROUP BY ev.visitor_id, ev.path`);
    this.rebuildTotals = db.prepare(`
      INSERT INTO day_totals (site, day, visitors, pageviews, events)
      SELECT ev.site, ?, COUNT(DISTINCT ev.visitor_id), SUM(ev.name = '${PAGEVIEW}'), SUM(ev.name <> '${PAGEVIEW}')
      ${remaining} GROUP BY ev.site`);
    this.rebuildPages = db.prepare(`
      INSERT INTO day_pages (site, day, path, visitors, pageviews, events)
      SELECT ev.site, ?, ev.path, COUNT(DISTINCT ev.visitor_id), SUM(ev.name = '${PAGEVIEW}'), SUM(ev.name <> '${PAGEVIEW}')
      ${remaining} GROUP BY ev.path`);
  }

  /** Counts a batch of new events; runs inside the transaction that inserts them. */
  record(events: readonly StoredEvent[]): void {
    const totals = new Map<string, Counts>();
    const pages = new Map<string, Counts>();
    // Pairs already looked up in this batch: most batches repeat a visitor several times.
    const seen = new Set<string>();
    for (const e of events) {
      if (e.name === ENGAGEMENT) continue;
      const day = Math.floor(e.ts / DAY_MS);
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
   * Follows a purge of the site's events with ts < before: days wholly before it go, and a day
   * it cuts is counted again from what is left of it.
   */
  purged(site: string, before: number): void {
    const day = Math.floor(before / DAY_MS);
    const cut = before !== day * DAY_MS;
    const keepFrom = cut ? day + 1 : day;
    for (const statement of this.clearBefore) statement.run(site, keepFrom);
    if (!cut) return;
    const end = (day + 1) * DAY_MS;
    this.rebuildVisitors.run(day, site, before, end);
    this.rebuildPageVisitors.run(day, site, before, end);
    this.rebuildTotals.run(day, site, before, end);
    this.rebuildPages.run(day, site, before, end);
  }

  deleteSite(site: string): void {
    for (const statement of this.clearSite) statement.run(site);
  }
}
