/**
 * Measures that need visits, read from the visits table (one row per visit) plus the visits the
 * range cuts in two (edge-visits.ts). The query is one statement of these parts:
 *
 *   b    the buckets (one for aggregate and breakdown), from a JSON parameter
 *   ed   the range's part of each visit it cuts, from a JSON parameter
 *   v    the visits with a counted event in the range that pass the visit filters, each in the
 *        bucket of its first event and with the attribute grouped on as k
 *   pe   when events must be read: the range's counted events passing the event filters (of
 *        visits in v), with the event property grouped on as k
 *   kv   the counted visits: v, or those of v with an event in pe when events are filtered
 *
 * Event measures come from pe, or from v when every counted event of a visit passes (no event
 * filter, one bucket), or are left to the caller's rollups (`eventMeasures: 'none'`).
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { EVENT_FIELDS, visitColumn } from '../../fields.js';
import { BOUNCE_ENGAGED_MS, type BreakdownPage, type Filter, type Property, type TimeRange } from '../../types.js';
import { ATTRIBUTE_COLUMNS, type Visit } from '../visits.js';
import type { EdgeVisits } from './edge-visits.js';
import { eventFilterSql, matchSql, pageSql, Params, propSql, StatementCache, type MeasureRow } from './sql.js';

export type Grouping = { by: 'none' } | { by: 'bucket' } | { by: 'property'; property: Property; page?: BreakdownPage };

export type GroupRow = Partial<MeasureRow> & { k: string | number | null };

export interface VisitMeasuresQuery {
  site: string;
  buckets: readonly TimeRange[];
  filters: readonly Filter[];
  grouping: Grouping;
}

const visitMeasures = (alias: string) => `COUNT(*) AS visits,
  SUM(${alias}.pv = 1 AND ${alias}.ce = 0 AND ${alias}.ems < ${BOUNCE_ENGAGED_MS}) AS bounces,
  SUM(${alias}.pv) AS visit_pageviews, SUM(${alias}.ems) AS engagement_ms`;

const BASE_COLUMNS = ['session_id', 'visitor_id', 'start_ts', 'pageviews', 'events', 'engagement_ms'];

function columnValue(visit: Visit, column: string): string | null {
  if (column === 'entry_page') return visit.entryPage;
  if (column === 'exit_page') return visit.exitPage;
  return visit.attributes[ATTRIBUTE_COLUMNS.indexOf(column)] ?? null;
}

/** Where event measures come from; see the module comment. */
export function eventMeasuresSource(filters: readonly Filter[], grouping: Grouping): 'none' | 'visits' | 'events' {
  const group = grouping.by === 'property' ? grouping.property : undefined;
  if (group !== undefined && group.scope !== 'visit') return 'events';
  if (filters.some((filter) => filter.property.scope !== 'visit')) return 'events';
  if (grouping.by === 'bucket') return filters.length === 0 ? 'none' : 'events';
  return filters.length === 0 && grouping.by === 'none' ? 'none' : 'visits';
}

export class VisitMeasures {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly edges: EdgeVisits,
  ) {
    this.statements = new StatementCache(db);
  }

  private all(sql: string, params: Params): GroupRow[] {
    return this.statements.all<GroupRow>(sql, params);
  }

  run({ site, buckets, filters, grouping }: VisitMeasuresQuery): GroupRow[] {
    const range = { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to };
    const group = grouping.by === 'property' ? grouping.property : undefined;
    const visitFilters = filters.filter((filter) => filter.property.scope === 'visit');
    const eventFilters = filters.filter((filter) => filter.property.scope !== 'visit');
    const source = eventMeasuresSource(filters, grouping);

    const columns = new Set<string>();
    for (const filter of visitFilters) if (filter.property.scope === 'visit') columns.add(visitColumn(filter.property.field));
    if (group?.scope === 'visit') columns.add(visitColumn(group.field));
    const visitColumns = [...BASE_COLUMNS, ...columns];
    const edges = this.edges
      .within(site, range)
      .filter((visit) => visit.pageviews + visit.events > 0)
      .map((visit) => [visit.sessionId, visit.visitorId, visit.startTs, visit.pageviews, visit.events, visit.engagementMs,
        ...[...columns].map((column) => columnValue(visit, column))]);

    const params = new Params();
    const ctes = [
      `b(i, lo, hi) AS (SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each(${params.add(
        JSON.stringify(buckets.map((bucket) => [bucket.from, bucket.to])),
      )}))`,
      `ed(${visitColumns.join(', ')}) AS (SELECT ${visitColumns.map((_c, i) => `value ->> ${i}`).join(', ')}
        FROM json_each(${params.add(JSON.stringify(edges))}))`,
    ];
    const oneBucket = buckets.length === 1;
    const visitKey = group?.scope === 'visit' ? `, x.${visitColumn(group.field)} AS k` : '';
    const inside = `SELECT ${visitColumns.join(', ')} FROM visits
      WHERE site = ${params.add(site)} AND start_ts >= ${params.add(range.from)} AND start_ts < ${params.add(range.to)}
        AND end_ts < ${params.add(range.to)} AND pageviews + events > 0`;
    const keep = visitFilters.map((filter) =>
      filter.property.scope === 'visit' ? matchSql(`x.${visitColumn(filter.property.field)}`, filter, params) : '1',
    );
    ctes.push(`v AS MATERIALIZED (SELECT ${oneBucket ? '0' : 'b.i'} AS bucket, x.session_id AS sid, x.visitor_id AS vid,
        x.pageviews AS pv, x.events AS ce, x.engagement_ms AS ems${visitKey}
      FROM (${inside} UNION ALL SELECT ${visitColumns.join(', ')} FROM ed) x
      ${oneBucket ? '' : 'JOIN b ON x.start_ts >= b.lo AND x.start_ts < b.hi'}
      ${keep.length > 0 ? `WHERE ${keep.join(' AND ')}` : ''})`);

    if (source === 'events') {
      let eventKey = '';
      if (group?.scope === 'event') eventKey = `, ev.${EVENT_FIELDS[group.field].column} AS k`;
      if (group?.scope === 'prop') eventKey = `, ${propSql('ev.', group.key, params)} AS k`;
      // Placeholders bind in the order they appear: the site comes before the filters' values.
      const events = `FROM b CROSS JOIN events ev ON ev.site = ${params.add(site)} AND ev.ts >= b.lo AND ev.ts < b.hi`;
      const passing = [`ev.name <> '${ENGAGEMENT}'`, ...eventFilters.map((filter) => eventFilterSql(filter, 'ev.', params))];
      if (visitFilters.length > 0) passing.push('ev.session_id IN (SELECT sid FROM v)');
      ctes.push(`pe AS MATERIALIZED (SELECT b.i AS bucket, ev.session_id AS sid, ev.visitor_id AS vid, ev.name AS name${eventKey}
        ${events} WHERE ${passing.join(' AND ')})`);
    }
    ctes.push(eventFilters.length > 0 ? 'kv AS (SELECT * FROM v WHERE sid IN (SELECT sid FROM pe))' : 'kv AS (SELECT * FROM v)');

    const page = grouping.by === 'property' ? grouping.page : undefined;
    const select = this.select(source, grouping);
    const sql = `WITH ${ctes.join(',\n')}\nSELECT * FROM (${select}) ${page === undefined ? '' : pageSql(page, params)}`;
    return this.all(sql, params);
  }

  private select(source: 'none' | 'visits' | 'events', grouping: Grouping): string {
    const countEvents = (alias: string) => `COUNT(DISTINCT ${alias}.vid) AS visitors,
      SUM(${alias}.name = '${PAGEVIEW}') AS pageviews, SUM(${alias}.name <> '${PAGEVIEW}') AS events`;
    const visitKey = grouping.by === 'bucket' ? 'bucket' : grouping.by === 'none' ? '0' : 'k';
    if (source === 'none') return `SELECT ${visitKey} AS k, ${visitMeasures('kv')} FROM kv GROUP BY 1`;
    if (source === 'visits') {
      return `SELECT ${visitKey} AS k, COUNT(DISTINCT kv.vid) AS visitors, SUM(kv.pv) AS pageviews, SUM(kv.ce) AS events,
        ${visitMeasures('kv')} FROM kv GROUP BY 1`;
    }
    const all = `em.visitors, em.pageviews, em.events, vm.visits, vm.bounces, vm.visit_pageviews, vm.engagement_ms`;
    const vm = (key: string) => `(SELECT ${key} AS k, ${visitMeasures('kv')} FROM kv GROUP BY 1) vm`;
    if (grouping.by === 'property' && grouping.property.scope !== 'visit') {
      return `SELECT em.k AS k, ${all}
        FROM (SELECT k, ${countEvents('pe')} FROM pe GROUP BY k) em
        LEFT JOIN (SELECT g.k AS k, ${visitMeasures('kv')} FROM (SELECT DISTINCT k, sid FROM pe) g JOIN kv ON kv.sid = g.sid
          GROUP BY g.k) vm ON vm.k IS em.k`;
    }
    if (grouping.by === 'property') {
      return `SELECT vm.k AS k, ${all} FROM ${vm('k')}
        LEFT JOIN (SELECT v.k AS k, ${countEvents('pe')} FROM pe JOIN v ON v.sid = pe.sid GROUP BY v.k) em ON em.k IS vm.k`;
    }
    // Events of a bucket may belong to visits that started in an earlier one: every bucket is a row.
    const eventKey = grouping.by === 'bucket' ? 'pe.bucket' : '0';
    return `SELECT b.i AS k, ${all} FROM b
      LEFT JOIN (SELECT ${eventKey} AS k, ${countEvents('pe')} FROM pe GROUP BY 1) em ON em.k = b.i
      LEFT JOIN ${vm(visitKey)} ON vm.k = b.i`;
  }
}
