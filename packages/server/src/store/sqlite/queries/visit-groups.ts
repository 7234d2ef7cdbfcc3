/**
 * Visit measures per value of one visit property (or of all visits), unfiltered, from the per-day
 * visit rollups (visit-rollups.ts). The range is its whole rollup days, read from the rollups,
 * and the parts of days at its edges, read from the visits table; each day counts its own
 * visitors. Then two corrections make it exact:
 *
 * - visits the range cuts in two (edge-visits.ts) count as their part inside the range, not as
 *   the whole visit the rollups and the visits table hold;
 * - a visitor seen on several days, or with a visit cut in two, is counted as often as days
 *   counted them, and the surplus is taken off. Anonymous ids change every day, so these are the
 *   few ids marked multi, whose surplus is summed over one range of a covering index
 *   (visits_multi), plus the cut visits' visitors, whose visits are looked up one by one.
 */
import type Database from 'better-sqlite3';
import { visitColumn } from '../../fields.js';
import { BOUNCE_ENGAGED_MS, type TimeRange } from '../../types.js';
import { splitDays, type RollupDays } from '../../rollup-days.js';
import { ALL_VISITS, isBounce, isCounted, visitValue, type GROUP_FIELDS } from '../visit-rollups.js';
import type { Visit } from '../visits.js';
import { EdgeVisits } from './edge-visits.js';
import { siteDays } from '../site-days.js';
import { Params, StatementCache } from './sql.js';
import type { GroupRow } from './visit-measures.js';

type GroupField = (typeof GROUP_FIELDS)[number] | typeof ALL_VISITS;

interface Sums {
  visitors: number;
  visits: number;
  bounces: number;
  visit_pageviews: number;
  engagement_ms: number;
  pageviews: number;
  events: number;
}

type SumsRow = Sums & { k: string | null };

interface Surplus {
  k: string | null;
  surplus: number;
}

/** Visitor, start, end and the field's value of a counted visit. */
type VisitorVisit = [number, number, number, string | null];

const SUMS = `SUM(visitors) AS visitors, SUM(visits) AS visits, SUM(bounces) AS bounces, SUM(pageviews) AS visit_pageviews,
  SUM(engagement_ms) AS engagement_ms, SUM(pageviews) AS pageviews, SUM(events) AS events`;

const valueSql = (field: GroupField) => (field === ALL_VISITS ? 'NULL' : visitColumn(field));

/** A statement per group field, prepared when the field is first asked for. */
function perField<S>(prepare: (field: GroupField) => S): (field: GroupField) => S {
  const prepared = new Map<GroupField, S>();
  return (field) => {
    let statement = prepared.get(field);
    if (statement === undefined) prepared.set(field, (statement = prepare(field)));
    return statement;
  };
}

export class VisitGroups {
  private readonly daysOf;
  private readonly dayRows;
  /** Counted visits starting in [from, to), grouped by the field's value, as the rollups count a day. */
  private readonly part;
  /**
   * The counted visits of some visitors starting in [from, to): visitor, start, end, value. Left
   * to itself the planner scans the range by start instead of looking the visitors up.
   */
  private readonly visitsOf;
  /** Statements whose SQL holds the site's days, one per field and time zone. */
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly edges: EdgeVisits,
  ) {
    this.daysOf = siteDays(db);
    this.dayRows = db.prepare<[string, string, number, number], SumsRow>(`
      SELECT CASE WHEN missing THEN NULL ELSE value END AS k, ${SUMS}
      FROM visit_day_groups WHERE site = ? AND field = ? AND day >= ? AND day < ? GROUP BY value, missing`);
    this.part = perField((field) =>
      db.prepare<[string, number, number], SumsRow>(`
        SELECT k, COUNT(DISTINCT visitor_id) AS visitors, COUNT(*) AS visits, SUM(bounce) AS bounces,
          SUM(pageviews) AS visit_pageviews, SUM(engagement_ms) AS engagement_ms, SUM(pageviews) AS pageviews, SUM(events) AS events
        FROM (SELECT ${valueSql(field)} AS k, visitor_id, pageviews, events, engagement_ms,
                pageviews = 1 AND events = 0 AND engagement_ms < ${BOUNCE_ENGAGED_MS} AS bounce
              FROM visits WHERE site = ? AND start_ts >= ? AND start_ts < ? AND pageviews + events > 0)
        GROUP BY k`),
    );
    this.visitsOf = perField((field) =>
      db
        .prepare<[string, string, number, number], unknown[]>(`
          SELECT visitor_id, start_ts, end_ts, ${valueSql(field)} FROM visits INDEXED BY visits_visitor
          WHERE site = ? AND visitor_id IN (SELECT value FROM json_each(?)) AND start_ts >= ? AND start_ts < ? AND pageviews + events > 0`)
        .raw(),
    );
    this.statements = new StatementCache(db);
  }

  /**
   * What the days counted twice over of the visitors marked multi come to per value, but for
   * `skipped` visitors, those of the cut visits: a visitor and value are counted once a day with
   * a visit starting in the range, and are one visitor. Summed in SQL: the visits of 62,041 such
   * visitors at 10,000,000 events are 201,252 rows, and reading them out one by one cost more
   * than the rest of the panel.
   */
  private multiSurplus(site: string, range: TimeRange, field: GroupField, days: RollupDays, skipped: readonly number[]): Surplus[] {
    const params = new Params();
    const sql = `SELECT k, SUM(days) - COUNT(*) AS surplus FROM (
        SELECT ${valueSql(field)} AS k, COUNT(DISTINCT ${days.sql('start_ts')}) AS days
        FROM visits INDEXED BY visits_multi
        WHERE site = ${params.add(site)} AND multi = 1 AND start_ts >= ${params.add(range.from)} AND start_ts < ${params.add(range.to)}
          AND pageviews + events > 0 AND visitor_id NOT IN (SELECT value FROM json_each(${params.add(JSON.stringify(skipped))}))
        GROUP BY visitor_id, k)
      GROUP BY k`;
    return this.statements.all<Surplus>(sql, params);
  }

  run(site: string, range: TimeRange, field: GroupField): GroupRow[] {
    const rollupDays = this.daysOf(site);
    const groups = new Map<string | null, Sums>();
    const sums = (value: string | null): Sums => {
      let entry = groups.get(value);
      if (entry === undefined) {
        entry = { visitors: 0, visits: 0, bounces: 0, visit_pageviews: 0, engagement_ms: 0, pageviews: 0, events: 0 };
        groups.set(value, entry);
      }
      return entry;
    };
    const addRow = (row: SumsRow) => {
      const entry = sums(row.k);
      for (const key of Object.keys(entry) as Array<keyof Sums>) entry[key] += row[key] ?? 0;
    };
    const addVisit = (visit: Visit, sign: 1 | -1) => {
      const entry = sums(visitValue(visit, field));
      entry.visits += sign;
      entry.bounces += sign * (isBounce(visit) ? 1 : 0);
      entry.visit_pageviews += sign * visit.pageviews;
      entry.pageviews += sign * visit.pageviews;
      entry.events += sign * visit.events;
      entry.engagement_ms += sign * visit.engagementMs;
    };

    // Whole rollup days, and the parts of days at the edges.
    const { lo, hi, edges } = splitDays(range, rollupDays);
    if (hi > lo) for (const row of this.dayRows.all(site, field, lo, hi)) addRow(row);
    for (const [from, to] of edges) for (const row of this.part(field).all(site, from, to)) addRow(row);

    // Visits cut in two: their whole rows out (those counted above), their part in the range in.
    const cut = this.edges.cut(site, range);
    const suspects = new Set<number>();
    for (const whole of cut.whole) {
      if (whole.startTs >= range.from && isCounted(whole)) addVisit(whole, -1);
      suspects.add(whole.visitorId);
    }
    const inside = cut.inside.filter(isCounted);
    for (const part of inside) {
      addVisit(part, 1);
      suspects.add(part.visitorId);
    }

    // Visitors counted once per day: the surplus taken off, but for those of the cut visits,
    // whose visits are read back, as they may count by their part in the range.
    for (const { k, surplus } of this.multiSurplus(site, range, field, rollupDays, [...suspects])) sums(k).visitors -= surplus;
    if (suspects.size > 0) {
      const recounted = this.visitsOf(field).all(site, JSON.stringify([...suspects]), range.from, range.to) as VisitorVisit[];
      const counted = new Map<number, Map<string | null, Set<number>>>();
      const truly = new Map<number, Set<string | null>>();
      const note = (map: Map<number, Set<string | null>>, id: number, value: string | null) => {
        let values = map.get(id);
        if (values === undefined) map.set(id, (values = new Set()));
        values.add(value);
      };
      for (const [id, start, end, value] of recounted) {
        let days = counted.get(id);
        if (days === undefined) counted.set(id, (days = new Map()));
        let seen = days.get(value);
        if (seen === undefined) days.set(value, (seen = new Set()));
        seen.add(rollupDays.day(start));
        if (end < range.to) note(truly, id, value);
      }
      for (const part of inside) note(truly, part.visitorId, visitValue(part, field));
      for (const id of suspects) {
        const values = truly.get(id);
        for (const [value, days] of counted.get(id) ?? []) sums(value).visitors -= days.size - (values?.has(value) ? 1 : 0);
        for (const value of values ?? []) if (!counted.get(id)?.has(value)) sums(value).visitors += 1;
      }
    }

    const rows: GroupRow[] = [];
    for (const [k, entry] of groups) if (entry.visits > 0) rows.push({ k, ...entry });
    return rows;
  }
}
