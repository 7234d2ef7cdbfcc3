/**
 * Visitors, pageviews and custom events without visits: from the per-day rollups (rollups.ts)
 * where they hold the answer (no filter, or grouped by a rolled-up field and filtered only on its
 * values, and for the page field also to pageviews alone), otherwise in one pass over the range's passing events, grouped by bucket or by value.
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { pageOfGroups } from '../../breakdown-page.js';
import { EVENT_FIELDS } from '../../fields.js';
import { isGoalFilter, type BreakdownPage, type Filter, type Property, type StatsFilter, type TimeRange } from '../../types.js';
import { splitDays, type DaySplit } from '../../rollup-days.js';
import { isRollupField, ROLLUP_FIELDS, type RollupField } from '../rollups.js';
import { siteDays } from '../site-days.js';
import { eventFilterSql, HistoryReach, pageSql, Params, propSql, StatementCache, toMeasures, type MeasureRow } from './sql.js';
import type { GroupRow } from './visit-measures.js';

interface RollupRow {
  k: string | number;
  visitors: number;
  pageviews: number;
  events: number;
}

interface Repeats {
  k: string | number;
  repeats: number;
}

/** Rows merged in memory are ordered and cut here; the event pass does it in SQL (pageSql). */
const pageOf = (rows: RollupRow[], page: BreakdownPage | undefined): GroupRow[] =>
  page === undefined ? rows : pageOfGroups(rows, page, toMeasures, (row) => row.k);

/**
 * An exact filter on the grouped field passes or drops whole groups: an event has the filtered
 * value exactly when its group does, so the rollups' groups can be filtered by value.
 */
const onGroupValue = (filter: StatsFilter, field: RollupField): filter is Filter =>
  !isGoalFilter(filter) && filter.match === 'exact' && filter.property.scope === 'event' && filter.property.field === field;
const passes = (row: RollupRow, filters: readonly Filter[]) =>
  filters.every((filter) => filter.values.includes(row.k as string) !== filter.negated);

/** Pageviews only, as a breakdown of page goals asks: a field that counts its viewers apart has them in its rollups. */
const isPageviews = (filter: StatsFilter) =>
  !isGoalFilter(filter) &&
  filter.property.scope === 'event' &&
  filter.property.field === 'name' &&
  filter.match === 'exact' &&
  !filter.negated &&
  filter.values.length > 0 &&
  filter.values.every((value) => value === PAGEVIEW);

/** The statements reading one rolled-up field's groups; see the constructor. */
interface FieldStatements {
  totals: Database.Statement<[string, number, number], RollupRow>;
  repeats: Database.Statement<[string, number, number], Repeats>;
  edgeCounts: Database.Statement<[string, string], RollupRow>;
  edgeVisitors: Database.Statement<[string, string, string], RollupRow>;
}

export class EventMeasures {

  private readonly dayTotals;
  private readonly dayRepeats;
  private readonly edgeTotals;
  private readonly edgeVisitors;
  private readonly fields: ReadonlyMap<RollupField, FieldStatements>;
  /** The same over pageviews alone, for the fields that count their viewers apart. */
  private readonly viewers: ReadonlyMap<RollupField, FieldStatements>;

  private readonly daysOf;
  private readonly statements;
  private readonly reach;

  constructor(db: Database.Database) {
    this.statements = new StatementCache(db);
    this.reach = new HistoryReach(db);
    this.daysOf = siteDays(db);
    const dayBuckets = `WITH b(i, lo, hi) AS (SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each(?))`;
    this.dayTotals = db.prepare<[string, string], RollupRow>(`${dayBuckets}
      SELECT b.i AS k, SUM(t.visitors) AS visitors, SUM(t.pageviews) AS pageviews, SUM(t.events) AS events
      FROM b CROSS JOIN day_totals t ON t.site = ? AND t.day >= b.lo AND t.day < b.hi
      GROUP BY b.i`);
    // Rows beyond the first of each id within a bucket: what summing the days counted twice.
    this.dayRepeats = db.prepare<[string, string], Repeats>(`${dayBuckets}
      SELECT b.i AS k, (SELECT COUNT(*) - COUNT(DISTINCT v.visitor_id) FROM day_visitors v
          WHERE v.site = ? AND v.multi = 1 AND v.day >= b.lo AND v.day < b.hi) AS repeats
      FROM b WHERE b.hi - b.lo > 1`);
    // Edges are read from the events; their visitors count only when the bucket's whole days
    // (dlo to dhi) did not see them already. Counts and visitors take a pass each: one pass
    // would test every event's visitor rather than every distinct one.
    const edges = `WITH r(i, lo, hi, dlo, dhi) AS (SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4
        FROM json_each(?))`;
    const edgeEvents = `FROM r CROSS JOIN events ev ON ev.site = ? AND ev.ts >= r.lo AND ev.ts < r.hi WHERE ev.name <> '${ENGAGEMENT}'`;
    const counts = `SUM(ev.name = '${PAGEVIEW}') AS pageviews, SUM(ev.name <> '${PAGEVIEW}') AS events`;
    this.edgeTotals = db.prepare<[string, string], RollupRow>(`${edges}
      SELECT r.i AS k, 0 AS visitors, ${counts} ${edgeEvents} GROUP BY r.i`);
    this.edgeVisitors = db.prepare<[string, string, string], RollupRow>(`${edges}
      SELECT i AS k, COUNT(*) AS visitors, 0 AS pageviews, 0 AS events
      FROM (SELECT DISTINCT r.i, r.dlo, r.dhi, ev.visitor_id AS vid ${edgeEvents}) d
      WHERE NOT EXISTS (SELECT 1 FROM day_visitors v WHERE v.site = ? AND v.visitor_id = d.vid AND v.day >= d.dlo AND v.day < d.dhi)
      GROUP BY i`);
    // Per rolled-up field, the same as above by value: its day rows and repeats, and its edges;
    // over pageviews alone, its viewers rather than its visitors.
    const statementsOf = (field: RollupField, viewed: boolean): FieldStatements => {
      const { groups, visitors } = ROLLUP_FIELDS[field];
      const column = EVENT_FIELDS[field].column;
      const edgeRows = viewed ? `${edgeEvents} AND ev.name = '${PAGEVIEW}'` : edgeEvents;
      return {
        totals: db.prepare(`
          SELECT ${column} AS k, SUM(${viewed ? 'view_visitors' : 'visitors'}) AS visitors, SUM(pageviews) AS pageviews,
            ${viewed ? '0' : 'SUM(events)'} AS events
          FROM ${groups} WHERE site = ? AND day >= ? AND day < ?
          GROUP BY ${column}${viewed ? ' HAVING SUM(pageviews) > 0' : ''}`),
        repeats: db.prepare(`
          SELECT ${column} AS k, COUNT(*) - COUNT(DISTINCT visitor_id) AS repeats
          FROM ${visitors} WHERE site = ? AND multi = 1 AND day >= ? AND day < ?${viewed ? ' AND viewed = 1' : ''}
          GROUP BY ${column}`),
        edgeCounts: db.prepare(`${edges}
          SELECT ev.${column} AS k, 0 AS visitors, ${counts} ${edgeRows} GROUP BY ev.${column}`),
        edgeVisitors: db.prepare(`${edges}
          SELECT value AS k, COUNT(*) AS visitors, 0 AS pageviews, 0 AS events
          FROM (SELECT DISTINCT r.dlo, r.dhi, ev.visitor_id AS vid, ev.${column} AS value ${edgeRows}) d
          WHERE NOT EXISTS (SELECT 1 FROM ${visitors} v
            WHERE v.site = ? AND v.visitor_id = d.vid AND v.${column} = d.value AND v.day >= d.dlo AND v.day < d.dhi${viewed ? ' AND v.viewed = 1' : ''})
          GROUP BY value`),
      };
    };
    const fields = Object.keys(ROLLUP_FIELDS) as RollupField[];
    this.fields = new Map(fields.map((field) => [field, statementsOf(field, false)]));
    this.viewers = new Map(fields.filter((field) => ROLLUP_FIELDS[field].views).map((field) => [field, statementsOf(field, true)]));
  }

  /**
   * Event measures from the per-day rollups (rollups.ts) for the whole rollup days of each bucket,
   * and from the events for the parts of days at its edges (all of a bucket shorter than a day).
   * Buckets of one whole day need no correction: an id is one row a day.
   */
  private fromRollups(site: string, splits: readonly DaySplit[], byField: FieldStatements | undefined): RollupRow[] {
    let rows: RollupRow[];
    let repeats: Repeats[] = [];
    if (byField !== undefined) {
      const { lo, hi } = splits[0]!;
      rows = byField.totals.all(site, lo, hi);
      if (hi - lo > 1) repeats = byField.repeats.all(site, lo, hi);
    } else {
      const days = JSON.stringify(splits.map(({ lo, hi }) => [lo, hi]));
      rows = this.dayTotals.all(days, site);
      if (splits.some(({ lo, hi }) => hi - lo > 1)) repeats = this.dayRepeats.all(days, site);
    }
    const edges = splits.flatMap(({ lo, hi, edges }, i) => edges.map(([from, to]) => [i, from, to, lo, hi]));
    const edgeRows: RollupRow[] = [];
    if (edges.length > 0) {
      const json = JSON.stringify(edges);
      edgeRows.push(...(byField?.edgeCounts ?? this.edgeTotals).all(json, site));
      edgeRows.push(...(byField?.edgeVisitors ?? this.edgeVisitors).all(json, site, site));
    }
    if (repeats.length === 0 && edgeRows.length === 0) return rows;

    const byKey = new Map(rows.map((row) => [row.k, { ...row }]));
    for (const { k, repeats: n } of repeats) if (n > 0) byKey.get(k)!.visitors -= n;
    for (const edge of edgeRows) {
      const row = byKey.get(edge.k);
      if (row === undefined) {
        byKey.set(edge.k, edge);
      } else {
        row.visitors += edge.visitors;
        row.pageviews += edge.pageviews;
        row.events += edge.events;
      }
    }
    return [...byKey.values()];
  }

  private all(sql: string, params: Params): GroupRow[] {
    return this.statements.all<GroupRow>(sql, params);
  }

  /**
   * Visitors, pageviews and events need no visits: one pass over the passing events, grouped by
   * bucket or by value, or the rollups when they hold the answer: without filters, or grouped
   * by a rolled-up field with only exact filters on that field. Visit measures are left 0, as
   * the hint allows.
   */
  run(
    site: string,
    buckets: readonly TimeRange[],
    filters: readonly StatsFilter[],
    group: Property | undefined,
    page?: BreakdownPage,
  ): GroupRow[] {
    const field = group?.scope === 'event' && isRollupField(group.field) ? group.field : undefined;
    const onGroup = field === undefined ? [] : filters.filter((filter) => onGroupValue(filter, field));
    const others = field === undefined ? filters : filters.filter((filter) => !onGroupValue(filter, field));
    const viewers = field === undefined || others.length !== 1 || !isPageviews(others[0]!) ? undefined : this.viewers.get(field);
    const byField = field === undefined ? undefined : (viewers ?? this.fields.get(field));
    const rolledUp = group === undefined ? filters.length === 0 : byField !== undefined && (others.length === 0 || viewers !== undefined);
    if (rolledUp) {
      const days = this.daysOf(site);
      const splits = buckets.map((bucket) => splitDays(bucket, days));
      if (splits.some(({ lo, hi }) => hi > lo)) {
        const rows = this.fromRollups(site, splits, byField);
        return pageOf(onGroup.length === 0 ? rows : rows.filter((row) => passes(row, onGroup)), page);
      }
    }
    const params = new Params();
    const bucketJson = params.add(JSON.stringify(buckets.map((bucket) => [bucket.from, bucket.to])));
    let key = 'b.i';
    if (group?.scope === 'event') key = `ev.${EVENT_FIELDS[group.field].column}`;
    if (group?.scope === 'prop') key = propSql('ev.', group.key, params);
    const siteParam = params.add(site);
    const wholeHistory = buckets.length > 0 && this.reach.covers(site, { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to });
    const passing = [`ev.name <> '${ENGAGEMENT}'`, ...filters.map((filter) => eventFilterSql(filter, 'ev.', params, wholeHistory))];
    const sql = `SELECT * FROM (WITH b(i, lo, hi) AS (SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each(${bucketJson}))
      SELECT ${key} AS k, COUNT(DISTINCT ev.visitor_id) AS visitors, SUM(ev.name = '${PAGEVIEW}') AS pageviews,
        SUM(ev.name <> '${PAGEVIEW}') AS events
      FROM b CROSS JOIN events ev ON ev.site = ${siteParam} AND ev.ts >= b.lo AND ev.ts < b.hi
      WHERE ${passing.join(' AND ')}
      GROUP BY k) ${page === undefined ? '' : pageSql(page, params)}`;
    return this.all(sql, params);
  }
}
