/**
 * Measures that need visits, read from the visits table (one row per visit) plus the visits the
 * range cuts in two (edge-visits.ts). The query is one statement of these parts:
 *
 *   b    the buckets (one for aggregate and breakdown), from a JSON parameter
 *   ed   the range's part of each visit it cuts, from a JSON parameter
 *   v    the visits with a counted event in the range that pass the visit filters, each in the
 *        bucket of its first event, marked `split` when it goes on past that bucket, and with
 *        the attribute grouped on as k
 *   pe   when events must be read: the range's counted events passing the event filters (of
 *        visits in v), with the event property grouped on as k
 *   se   in a timeseries without event filters: the counted events of the split visits only,
 *        each in its own bucket; every other visit's events are all in its bucket
 *   kv   the counted visits: v, or those of v with an event in pe when events are filtered
 *
 * Event measures come from pe, or from v (and se) when every counted event of a visit passes
 * (no event filter), or are left to the caller's rollups (`eventMeasures: 'none'`).
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { EVENT_FIELDS, visitColumn } from '../../fields.js';
import { BOUNCE_ENGAGED_MS, isVisitFilter, type BreakdownPage, type EventMeasuresHint, type Property, type StatsFilter, type TimeRange } from '../../types.js';
import { ATTRIBUTE_COLUMNS, type Visit } from '../visits.js';
import type { EdgeVisits } from './edge-visits.js';
import { eventFilterSql, HistoryReach, matchSql, pageSql, Params, propSql, StatementCache, type MeasureRow } from './sql.js';

export type Grouping = { by: 'none' } | { by: 'bucket' } | { by: 'property'; property: Property; page?: BreakdownPage };

export type GroupRow = Partial<MeasureRow> & { k: string | number | null };

export interface VisitMeasuresQuery extends EventMeasuresHint {
  site: string;
  buckets: readonly TimeRange[];
  filters: readonly StatsFilter[];
  grouping: Grouping;
}

const visitMeasures = (alias: string) => `COUNT(*) AS visits,
  SUM(${alias}.pv = 1 AND ${alias}.ce = 0 AND ${alias}.ems < ${BOUNCE_ENGAGED_MS}) AS bounces,
  SUM(${alias}.pv) AS visit_pageviews, SUM(${alias}.ems) AS engagement_ms`;

const BASE_COLUMNS = ['session_id', 'visitor_id', 'start_ts', 'end_ts', 'pageviews', 'events', 'engagement_ms'];

function columnValue(visit: Visit, column: string): string | null {
  if (column === 'entry_page') return visit.entryPage;
  if (column === 'exit_page') return visit.exitPage;
  return visit.attributes[ATTRIBUTE_COLUMNS.indexOf(column)] ?? null;
}

/** Where event measures come from; see the module comment. */
export function eventMeasuresSource(filters: readonly StatsFilter[], grouping: Grouping): 'none' | 'visits' | 'events' {
  const group = grouping.by === 'property' ? grouping.property : undefined;
  if (group !== undefined && group.scope !== 'visit') return 'events';
  if (filters.some((filter) => !isVisitFilter(filter))) return 'events';
  return filters.length === 0 && grouping.by !== 'property' ? 'none' : 'visits';
}

export class VisitMeasures {
  private readonly statements;
  private readonly reach;

  constructor(
    db: Database.Database,
    private readonly edges: EdgeVisits,
  ) {
    this.statements = new StatementCache(db);
    this.reach = new HistoryReach(db);
  }

  private all(sql: string, params: Params): GroupRow[] {
    return this.statements.all<GroupRow>(sql, params);
  }

  run({ site, buckets, filters, grouping, eventMeasuresOnly }: VisitMeasuresQuery): GroupRow[] {
    const range = { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to };
    const group = grouping.by === 'property' ? grouping.property : undefined;
    const visitFilters = filters.filter(isVisitFilter);
    const eventFilters = filters.filter((filter) => !isVisitFilter(filter));
    const source = eventMeasuresSource(filters, grouping);

    const columns = new Set<string>();
    for (const filter of visitFilters) columns.add(visitColumn(filter.property.field));
    if (group?.scope === 'visit') columns.add(visitColumn(group.field));
    const visitColumns = [...BASE_COLUMNS, ...columns];
    const edges = this.edges
      .within(site, range)
      .filter((visit) => visit.pageviews + visit.events > 0)
      .map((visit) => [visit.sessionId, visit.visitorId, visit.startTs, visit.endTs, visit.pageviews, visit.events, visit.engagementMs,
        ...[...columns].map((column) => columnValue(visit, column))]);

    const params = new Params();
    const ctes = [
      `b(i, lo, hi) AS (SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each(${params.add(
        JSON.stringify(buckets.map((bucket) => [bucket.from, bucket.to])),
      )}))`,
      `ed(${visitColumns.join(', ')}) AS (SELECT ${visitColumns.map((_c, i) => `value ->> ${i}`).join(', ')}
        FROM json_each(${params.add(JSON.stringify(edges))}))`,
    ];
    const multi = buckets.length > 1;
    const picked = `x.session_id AS sid, x.visitor_id AS vid, x.pageviews AS pv, x.events AS ce, x.engagement_ms AS ems${
      group?.scope === 'visit' ? `, x.${visitColumn(group.field)} AS k` : ''
    }`;
    // Called where the conditions appear in the text, so their values bind in order.
    const kept = () =>
      visitFilters.map((filter) => ` AND ${matchSql(`x.${visitColumn(filter.property.field)}`, filter, params)}`).join('');
    const counted = 'x.pageviews + x.events > 0';
    // Buckets outermost: each bucket's visits are then one range of the visits table's key.
    const stored = multi
      ? `SELECT b.i AS bucket, x.end_ts >= b.hi AS split, ${picked}
        FROM b CROSS JOIN visits x ON x.site = ${params.add(site)} AND x.start_ts >= b.lo AND x.start_ts < b.hi
        WHERE x.end_ts < ${params.add(range.to)} AND ${counted}${kept()}`
      : `SELECT 0 AS bucket, 0 AS split, ${picked} FROM visits x
        WHERE x.site = ${params.add(site)} AND x.start_ts >= ${params.add(range.from)} AND x.start_ts < ${params.add(range.to)}
          AND x.end_ts < ${params.add(range.to)} AND ${counted}${kept()}`;
    const cut = multi
      ? `SELECT b.i, x.end_ts >= b.hi, ${picked} FROM ed x JOIN b ON x.start_ts >= b.lo AND x.start_ts < b.hi WHERE 1${kept()}`
      : `SELECT 0, 0, ${picked} FROM ed x WHERE 1${kept()}`;
    ctes.push(`v AS MATERIALIZED (${stored}\n      UNION ALL ${cut})`);

    if (source === 'events') {
      let eventKey = '';
      if (group?.scope === 'event') eventKey = `, ev.${EVENT_FIELDS[group.field].column} AS k`;
      if (group?.scope === 'prop') eventKey = `, ${propSql('ev.', group.key, params)} AS k`;
      // Placeholders bind in the order they appear: the site comes before the filters' values.
      const events = `FROM b CROSS JOIN events ev ON ev.site = ${params.add(site)} AND ev.ts >= b.lo AND ev.ts < b.hi`;
      const wholeHistory = this.reach.covers(site, range);
      const passing = [`ev.name <> '${ENGAGEMENT}'`, ...eventFilters.map((filter) => eventFilterSql(filter, 'ev.', params, wholeHistory))];
      if (visitFilters.length > 0) passing.push('ev.session_id IN (SELECT sid FROM v)');
      // Read once when only event measures are wanted of events grouped by themselves or by
      // bucket: grouped as they are read, not first copied (a page breakdown of a country's
      // 200,000 events over 1,000,000: about 5 % less time, measured in the SQLite shell).
      const once = eventMeasuresOnly === true && group?.scope !== 'visit';
      ctes.push(`pe AS ${once ? 'NOT MATERIALIZED' : 'MATERIALIZED'} (SELECT b.i AS bucket, ev.session_id AS sid, ev.visitor_id AS vid, ev.name AS name${eventKey}
        ${events} WHERE ${passing.join(' AND ')})`);
    }
    if (source === 'visits' && grouping.by === 'bucket') {
      ctes.push(`se AS MATERIALIZED (SELECT b.i AS bucket, ev.visitor_id AS vid, ev.name AS name
        FROM v CROSS JOIN events ev ON ev.site = ${params.add(site)} AND ev.session_id = v.sid
          AND ev.ts >= ${params.add(range.from)} AND ev.ts < ${params.add(range.to)}
        JOIN b ON ev.ts >= b.lo AND ev.ts < b.hi
        WHERE v.split AND ev.name <> '${ENGAGEMENT}')`);
    }
    ctes.push(eventFilters.length > 0 ? 'kv AS (SELECT * FROM v WHERE sid IN (SELECT sid FROM pe))' : 'kv AS (SELECT * FROM v)');

    const page = grouping.by === 'property' ? grouping.page : undefined;
    const select = this.select(source, grouping, eventMeasuresOnly === true);
    const sql = `WITH ${ctes.join(',\n')}\nSELECT * FROM (${select}) ${page === undefined ? '' : pageSql(page, params)}`;
    return this.all(sql, params);
  }

  private select(source: 'none' | 'visits' | 'events', grouping: Grouping, eventMeasuresOnly: boolean): string {
    const countEvents = (alias: string) => `COUNT(DISTINCT ${alias}.vid) AS visitors,
      SUM(${alias}.name = '${PAGEVIEW}') AS pageviews, SUM(${alias}.name <> '${PAGEVIEW}') AS events`;
    const visitKey = grouping.by === 'bucket' ? 'bucket' : grouping.by === 'none' ? '0' : 'k';
    if (source === 'none') return `SELECT ${visitKey} AS k, ${visitMeasures('kv')} FROM kv GROUP BY 1`;
    if (source === 'visits' && grouping.by !== 'bucket') {
      return `SELECT ${visitKey} AS k, COUNT(DISTINCT kv.vid) AS visitors, SUM(kv.pv) AS pageviews, SUM(kv.ce) AS events,
        ${visitMeasures('kv')} FROM kv GROUP BY 1`;
    }
    // With only event measures wanted, the visit measures' grouping and join are left out.
    const all = `em.visitors, em.pageviews, em.events${eventMeasuresOnly ? '' : ', vm.visits, vm.bounces, vm.visit_pageviews, vm.engagement_ms'}`;
    const vm = (key: string) => `(SELECT ${key} AS k, ${visitMeasures('kv')} FROM kv GROUP BY 1) vm`;
    if (grouping.by === 'property' && grouping.property.scope !== 'visit') {
      const visitsOf = `LEFT JOIN (SELECT g.k AS k, ${visitMeasures('kv')} FROM (SELECT DISTINCT k, sid FROM pe) g JOIN kv ON kv.sid = g.sid
          GROUP BY g.k) vm ON vm.k IS em.k`;
      return `SELECT em.k AS k, ${all} FROM (SELECT k, ${countEvents('pe')} FROM pe GROUP BY k) em ${eventMeasuresOnly ? '' : visitsOf}`;
    }
    if (grouping.by === 'property') {
      return `SELECT vm.k AS k, ${all} FROM ${vm('k')}
        LEFT JOIN (SELECT v.k AS k, ${countEvents('pe')} FROM pe JOIN v ON v.sid = pe.sid GROUP BY v.k) em ON em.k IS vm.k`;
    }
    // Events of a bucket may belong to visits that started in an earlier one: every bucket is a row.
    const events =
      source === 'visits'
        ? `SELECT bucket AS k, COUNT(DISTINCT vid) AS visitors, SUM(pv) AS pageviews, SUM(ce) AS events FROM (
            SELECT bucket, vid, pv, ce FROM v WHERE NOT split
            UNION ALL SELECT bucket, vid, name = '${PAGEVIEW}', name <> '${PAGEVIEW}' FROM se) GROUP BY 1`
        : `SELECT ${grouping.by === 'bucket' ? 'pe.bucket' : '0'} AS k, ${countEvents('pe')} FROM pe GROUP BY 1`;
    return `SELECT b.i AS k, ${all} FROM b
      LEFT JOIN (${events}) em ON em.k = b.i
      ${eventMeasuresOnly ? '' : `LEFT JOIN ${vm(visitKey)} ON vm.k = b.i`}`;
  }
}
