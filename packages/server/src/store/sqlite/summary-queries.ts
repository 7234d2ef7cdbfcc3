/**
 * The first version's totals and top pages (GET /api/stats, GET /stats), read straight from the
 * events. Kept apart from the store so a reader thread (read-worker.ts) can run them too.
 */
import type Database from 'better-sqlite3';
import { PAGEVIEW } from '@sightline/shared';
import type { AllTimeResult, ListWindow, PageTotals, SummaryRequest, SummaryResult } from '../types.js';

export interface AllTimeRequest {
  site: string;
  pages: ListWindow;
}

interface Totals {
  pageviews: number;
  visitors: number;
}

export class SqliteSummaryQueries {
  private readonly selectTotals;
  private readonly selectTopPages;
  private readonly selectAllTimeTotals;
  private readonly selectAllTimePages;

  constructor(db: Database.Database) {
    this.selectTotals = db.prepare<[string, number, number], Totals>(`
      SELECT COALESCE(SUM(name = '${PAGEVIEW}'), 0) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
      FROM events WHERE site = ? AND ts >= ? AND ts < ?`);
    this.selectTopPages = db.prepare<[string, number, number, number], PageTotals>(`
      SELECT path AS page, COUNT(*) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
      FROM events WHERE site = ? AND name = '${PAGEVIEW}' AND ts >= ? AND ts < ?
      GROUP BY path ORDER BY visitors DESC, pageviews DESC, path LIMIT ?`);
    this.selectAllTimeTotals = db.prepare<[string], Totals>(`
      SELECT COALESCE(SUM(name = '${PAGEVIEW}'), 0) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
      FROM events WHERE site = ?`);
    this.selectAllTimePages = db.prepare<[string, number, number], PageTotals>(`
      SELECT path AS page, COUNT(*) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
      FROM events WHERE site = ? AND name = '${PAGEVIEW}'
      GROUP BY path ORDER BY pageviews DESC, path LIMIT ? OFFSET ?`);
  }

  summary(request: SummaryRequest): SummaryResult {
    const totals = this.selectTotals.get(request.site, request.from, request.to)!;
    const topPages = this.selectTopPages.all(request.site, request.from, request.to, request.limit);
    return { pageviews: totals.pageviews, visitors: totals.visitors, topPages };
  }

  allTime({ site, pages }: AllTimeRequest): AllTimeResult {
    const totals = this.selectAllTimeTotals.get(site)!;
    return { pageviews: totals.pageviews, visitors: totals.visitors, pages: this.selectAllTimePages.all(site, pages.limit, pages.offset) };
  }
}
