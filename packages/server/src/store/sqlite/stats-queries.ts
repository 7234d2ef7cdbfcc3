/**
 * The stats queries of the SQLite store: aggregate, timeseries and breakdown share one shape.
 *
 *   b   the buckets (one for aggregate and breakdown), from a JSON parameter
 *   e   the range's events with their bucket and `m`, "a counted event passing the event filters";
 *       buckets drive an index range scan on (site, ts) each, so no per-row bucket lookup
 *   s   one row per visit (session_id): first bucket and attributes, pageviews, custom events,
 *       engagement
 *   ks  the counted visits: a passing event, and the visit filters on their attributes
 *
 * Event measures come from e joined to ks, visit measures from ks. Only the visit attributes a
 * query filters or groups on are computed. User input only ever reaches SQL as bound parameters.
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import {
  BOUNCE_ENGAGED_MS,
  type BreakdownQuery,
  type BreakdownRow,
  type EventField,
  type Filter,
  type Measures,
  type Property,
  type StatsQuery,
  type TimeRange,
  type TimeseriesQuery,
  type VisitField,
} from '../types.js';
import { DAY_MS } from './rollups.js';

const EVENT_COLUMNS: Record<EventField, string> = { page: 'path', name: 'name', hostname: 'hostname' };

/** Visit attributes taken from the visit's first event. */
const FIRST_EVENT_COLUMNS: Record<Exclude<VisitField, 'entry_page' | 'exit_page'>, string> = {
  source: 'referrer_source',
  referrer: 'referrer',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
  utm_term: 'utm_term',
  utm_content: 'utm_content',
  country: 'country',
  browser: 'browser',
  os: 'os',
  device: 'device',
};

const isFirstEventField = (field: VisitField): field is keyof typeof FIRST_EVENT_COLUMNS => field in FIRST_EVENT_COLUMNS;

/** Collects bound parameters in the order their placeholders appear in the SQL text. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return '?';
  }
}

/** GLOB treats `?` and `[` as wildcards too; ours has only `*`. */
const globPattern = (pattern: string) => pattern.replace(/[[?]/g, (char) => `[${char}]`);

/**
 * `column` is a function when its SQL binds parameters: it is written once per value compared,
 * and each copy must bind its own parameters in the order they appear in the text.
 */
function matchSql(column: string | (() => string), filter: Filter, params: Params): string {
  const col = typeof column === 'string' ? () => column : column;
  let any: string;
  switch (filter.match) {
    case 'exact':
      any = `${col()} IN (${filter.values.map((value) => params.add(value)).join(', ')})`;
      break;
    case 'wildcard':
      any = filter.values.map((value) => `${col()} GLOB ${params.add(globPattern(value))}`).join(' OR ');
      break;
    case 'contains':
      any = filter.values.map((value) => `instr(${col()}, ${params.add(value)}) > 0`).join(' OR ');
      break;
  }
  // A missing value makes the comparison NULL: it matches nothing, so a negated filter keeps it.
  const matched = `COALESCE((${any}), 0)`;
  return filter.negated ? `NOT ${matched}` : matched;
}

/** The visit attributes a query needs, each becoming a column of ks named v_<field>. */
function visitFieldsOf(filters: readonly Filter[], group: Property | undefined): Set<VisitField> {
  const fields = new Set<VisitField>();
  for (const filter of filters) if (filter.property.scope === 'visit') fields.add(filter.property.field);
  if (group?.scope === 'visit') fields.add(group.field);
  return fields;
}

interface Shape {
  sql: string;
  params: Params;
  /** True when ks may drop visits that have a passing event, so e must be joined to ks. */
  visitFiltered: boolean;
}

/** Builds the WITH clause; a breakdown by an event property or a prop has its value as e.k. */
function withClause(site: string, buckets: readonly TimeRange[], filters: readonly Filter[], group: Property | undefined): Shape {
  const params = new Params();
  const visitFields = visitFieldsOf(filters, group);
  const firstFields = [...visitFields].filter(isFirstEventField);
  const firstColumns = firstFields.map((field) => FIRST_EVENT_COLUMNS[field]);
  const firstAttributes = firstFields.map((field) => `${FIRST_EVENT_COLUMNS[field]} AS v_${field}`);
  const needsPages = visitFields.has('entry_page') || visitFields.has('exit_page');

  const bucketJson = params.add(JSON.stringify(buckets.map((bucket) => [bucket.from, bucket.to])));

  const eventColumns = ['ev.session_id AS sid', 'ev.visitor_id AS vid', 'ev.ts', 'ev.name', 'ev.engagement_ms AS ems'];
  if (needsPages) eventColumns.push('ev.path');
  for (const column of firstColumns) eventColumns.push(`ev.${column}`);
  if (group?.scope === 'event') eventColumns.push(`ev.${EVENT_COLUMNS[group.field]} AS k`);
  if (group?.scope === 'prop') {
    eventColumns.push(`(SELECT p.value FROM json_each(ev.props) p WHERE p.key = ${params.add(group.key)}) AS k`);
  }

  const passing = [
    `ev.name <> '${ENGAGEMENT}'`,
    ...filters.filter((filter) => filter.property.scope !== 'visit').map((filter) => eventFilterSql(filter, 'ev.', params)),
  ];
  eventColumns.push(`(${passing.join(' AND ')}) AS m`);
  // Placeholders bind in the order they appear: the site comes after the selected columns.
  const siteParam = params.add(site);

  const ctes = [
    `b(i, lo, hi) AS (SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each(${bucketJson}))`,
    // CROSS JOIN keeps the buckets outside, so each one is an index range scan on (site, ts).
    `e AS MATERIALIZED (SELECT b.i AS bucket, ${eventColumns.join(', ')}
       FROM b CROSS JOIN events ev ON ev.site = ${siteParam} AND ev.ts >= b.lo AND ev.ts < b.hi)`,
    // With a single min() aggregate SQLite takes the bare columns (bucket and the visit's
    // attributes) from the row holding the minimum: the visit's first event.
    `s AS MATERIALIZED (SELECT sid, MIN(ts) AS t0, bucket, SUM(m) > 0 AS matched,
       SUM(name = '${PAGEVIEW}') AS pv, SUM(name NOT IN ('${PAGEVIEW}', '${ENGAGEMENT}')) AS ce,
       COALESCE(SUM(ems), 0) AS ems${firstAttributes.map((a) => `, ${a}`).join('')}
       FROM e GROUP BY sid)`,
  ];
  const joins: string[] = [];
  const attributes: string[] = [];
  if (visitFields.has('entry_page')) {
    ctes.push(`en AS (SELECT sid, MIN(ts) AS t0, path FROM e WHERE name = '${PAGEVIEW}' GROUP BY sid)`);
    joins.push('LEFT JOIN en ON en.sid = s.sid');
    attributes.push('en.path AS v_entry_page');
  }
  if (visitFields.has('exit_page')) {
    ctes.push(`ex AS (SELECT sid, MAX(ts) AS t1, path FROM e WHERE name = '${PAGEVIEW}' GROUP BY sid)`);
    joins.push('LEFT JOIN ex ON ex.sid = s.sid');
    attributes.push('ex.path AS v_exit_page');
  }
  const visitFilters = filters.filter((filter) => filter.property.scope === 'visit');
  const keep = ['s.matched = 1'];
  for (const filter of visitFilters) {
    if (filter.property.scope === 'visit') keep.push(matchSql(`v_${filter.property.field}`, filter, params));
  }
  ctes.push(
    `ks AS MATERIALIZED (SELECT * FROM (SELECT s.*${attributes.map((a) => `, ${a}`).join('')} FROM s ${joins.join(' ')})
       AS s WHERE ${keep.join(' AND ')})`,
  );
  return { sql: `WITH ${ctes.join(',\n')}`, params, visitFiltered: visitFilters.length > 0 };
}

const hasVisitFilter = (filters: readonly Filter[]) => filters.some((filter) => filter.property.scope === 'visit');

/** The condition of an event or prop filter over the events table aliased `alias`. */
function eventFilterSql(filter: Filter, alias: string, params: Params): string {
  const property = filter.property;
  if (property.scope === 'event') return matchSql(`${alias}${EVENT_COLUMNS[property.field]}`, filter, params);
  if (property.scope === 'prop') {
    return matchSql(() => `(SELECT p.value FROM json_each(${alias}props) p WHERE p.key = ${params.add(property.key)})`, filter, params);
  }
  throw new Error('a visit filter is not an event filter');
}

const EVENT_MEASURES = `COUNT(DISTINCT e.vid) AS visitors, SUM(e.name = '${PAGEVIEW}') AS pageviews,
  SUM(e.name <> '${PAGEVIEW}') AS events`;
const VISIT_MEASURES = `COUNT(*) AS visits, SUM(ks.pv = 1 AND ks.ce = 0 AND ks.ems < ${BOUNCE_ENGAGED_MS}) AS bounces,
  SUM(ks.pv) AS visit_pageviews, SUM(ks.ems) AS engagement_ms`;

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

/**
 * A bucket as its whole UTC days [lo, hi) and the parts of days at its edges, as [from, to)
 * instants; a bucket within one day is all edge.
 */
interface DaySplit {
  lo: number;
  hi: number;
  edges: Array<[number, number]>;
}

function splitDays(bucket: TimeRange): DaySplit {
  const lo = Math.ceil(bucket.from / DAY_MS);
  const hi = Math.max(lo, Math.floor(bucket.to / DAY_MS));
  const edges: Array<[number, number]> = [
    [bucket.from, Math.min(bucket.to, lo * DAY_MS)],
    [Math.max(bucket.from, hi * DAY_MS), bucket.to],
  ];
  return { lo, hi, edges: edges.filter(([from, to]) => from < to) };
}

interface MeasureRow {
  visitors: number | null;
  pageviews: number | null;
  events: number | null;
  visits: number | null;
  bounces: number | null;
  visit_pageviews: number | null;
  engagement_ms: number | null;
}

const toMeasures = (row: Partial<MeasureRow> | undefined): Measures => ({
  visitors: row?.visitors ?? 0,
  visits: row?.visits ?? 0,
  pageviews: row?.pageviews ?? 0,
  events: row?.events ?? 0,
  bounces: row?.bounces ?? 0,
  visitPageviews: row?.visit_pageviews ?? 0,
  engagementMs: row?.engagement_ms ?? 0,
});

/** Passing events of counted visits; without visit filters every passing event is in one. */
const passingEvents = (shape: Shape) =>
  shape.visitFiltered ? 'e JOIN ks ON ks.sid = e.sid WHERE e.m' : 'e WHERE e.m';

export class SqliteStatsQueries {
  /** Statements keyed by SQL text: a dashboard asks the same few shapes over and over. */
  private readonly statements = new Map<string, Database.Statement>();

  private readonly firstTs;
  private readonly lastTs;
  private readonly dayTotals;
  private readonly dayRepeats;
  private readonly pageTotals;
  private readonly pageRepeats;
  private readonly edgeTotals;
  private readonly edgeVisitors;
  private readonly edgePages;
  private readonly edgePageVisitors;

  constructor(private readonly db: Database.Database) {
    this.firstTs = db.prepare<[string], number | null>('SELECT MIN(ts) FROM events WHERE site = ?').pluck();
    this.lastTs = db.prepare<[string], number | null>('SELECT MAX(ts) FROM events WHERE site = ?').pluck();
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
    this.pageTotals = db.prepare<[string, number, number], RollupRow>(`
      SELECT path AS k, SUM(visitors) AS visitors, SUM(pageviews) AS pageviews, SUM(events) AS events
      FROM day_pages WHERE site = ? AND day >= ? AND day < ?
      GROUP BY path`);
    this.pageRepeats = db.prepare<[string, number, number], Repeats>(`
      SELECT path AS k, COUNT(*) - COUNT(DISTINCT visitor_id) AS repeats
      FROM day_page_visitors WHERE site = ? AND multi = 1 AND day >= ? AND day < ?
      GROUP BY path`);
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
    this.edgePages = db.prepare<[string, string], RollupRow>(`${edges}
      SELECT ev.path AS k, 0 AS visitors, ${counts} ${edgeEvents} GROUP BY ev.path`);
    this.edgePageVisitors = db.prepare<[string, string, string], RollupRow>(`${edges}
      SELECT path AS k, COUNT(*) AS visitors, 0 AS pageviews, 0 AS events
      FROM (SELECT DISTINCT r.dlo, r.dhi, ev.visitor_id AS vid, ev.path ${edgeEvents}) d
      WHERE NOT EXISTS (SELECT 1 FROM day_page_visitors v
        WHERE v.site = ? AND v.visitor_id = d.vid AND v.path = d.path AND v.day >= d.dlo AND v.day < d.dhi)
      GROUP BY path`);
  }

  /**
   * Event measures from the per-day rollups (rollups.ts) for the whole UTC days of each bucket,
   * and from the events for the parts of days at its edges (all of a bucket shorter than a day).
   * Buckets of one whole day need no correction: an id is one row a day.
   */
  private fromRollups(site: string, splits: readonly DaySplit[], byPage: boolean): RollupRow[] {
    let rows: RollupRow[];
    let repeats: Repeats[] = [];
    if (byPage) {
      const { lo, hi } = splits[0]!;
      rows = this.pageTotals.all(site, lo, hi);
      if (hi - lo > 1) repeats = this.pageRepeats.all(site, lo, hi);
    } else {
      const days = JSON.stringify(splits.map(({ lo, hi }) => [lo, hi]));
      rows = this.dayTotals.all(days, site);
      if (splits.some(({ lo, hi }) => hi - lo > 1)) repeats = this.dayRepeats.all(days, site);
    }
    const edges = splits.flatMap(({ lo, hi, edges }, i) => edges.map(([from, to]) => [i, from, to, lo, hi]));
    const edgeRows: RollupRow[] = [];
    if (edges.length > 0) {
      const json = JSON.stringify(edges);
      edgeRows.push(...(byPage ? this.edgePages : this.edgeTotals).all(json, site));
      edgeRows.push(...(byPage ? this.edgePageVisitors : this.edgeVisitors).all(json, site, site));
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

  /**
   * Whether the range holds most of the site's history. Grouping visits then reads the index in
   * visit order, sorting nothing, rather than sorting the range (all metrics over 30 days of a
   * million events: 760 ms down to 520 ms); for short ranges the (site, ts) index reads less.
   */
  private coversMostOf(site: string, range: TimeRange): boolean {
    const first = this.firstTs.get(site);
    const last = this.lastTs.get(site);
    if (first === null || first === undefined || last === null || last === undefined || last <= first) return true;
    const overlap = Math.min(range.to, last + 1) - Math.max(range.from, first);
    return overlap / (last + 1 - first) >= 0.5;
  }

  private all<T>(shape: Shape, select: string): T[] {
    const sql = `${shape.sql}\n${select}`;
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= 200) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement.all(...shape.params.values) as T[];
  }

  /**
   * Visitors, pageviews and events need no visits: one pass over the passing events, grouped by
   * bucket or by value, or the rollups when they hold the answer. Visit measures are left 0, as
   * the hint allows.
   */
  private eventMeasures(
    site: string,
    buckets: readonly TimeRange[],
    filters: readonly Filter[],
    group: Property | undefined,
  ): Array<Partial<MeasureRow> & { k: string | number | null }> {
    const byPage = group?.scope === 'event' && group.field === 'page';
    if (filters.length === 0 && (group === undefined || byPage)) {
      const splits = buckets.map(splitDays);
      if (splits.some(({ lo, hi }) => hi > lo)) return this.fromRollups(site, splits, byPage);
    }
    const params = new Params();
    const bucketJson = params.add(JSON.stringify(buckets.map((bucket) => [bucket.from, bucket.to])));
    let key = 'b.i';
    if (group?.scope === 'event') key = `ev.${EVENT_COLUMNS[group.field]}`;
    if (group?.scope === 'prop') key = `(SELECT p.value FROM json_each(ev.props) p WHERE p.key = ${params.add(group.key)})`;
    const siteParam = params.add(site);
    const passing = [`ev.name <> '${ENGAGEMENT}'`, ...filters.map((filter) => eventFilterSql(filter, 'ev.', params))];
    const sql = `WITH b(i, lo, hi) AS (SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each(${bucketJson}))
      SELECT ${key} AS k, COUNT(DISTINCT ev.visitor_id) AS visitors, SUM(ev.name = '${PAGEVIEW}') AS pageviews,
        SUM(ev.name <> '${PAGEVIEW}') AS events
      FROM b CROSS JOIN events ev ON ev.site = ${siteParam} AND ev.ts >= b.lo AND ev.ts < b.hi
      WHERE ${passing.join(' AND ')}
      GROUP BY k`;
    return this.all<MeasureRow & { k: string | number | null }>({ sql: '', params, visitFiltered: false }, sql);
  }

  private canSkipVisits(query: { eventMeasuresOnly?: boolean; filters: readonly Filter[] }, group?: Property): boolean {
    return query.eventMeasuresOnly === true && !hasVisitFilter(query.filters) && group?.scope !== 'visit';
  }

  aggregate(query: StatsQuery): Measures {
    if (this.canSkipVisits(query)) return toMeasures(this.eventMeasures(query.site, [query.range], query.filters, undefined)[0]);
    if (hasVisitFilter(query.filters)) {
      return this.timeseries({ site: query.site, buckets: [query.range], filters: query.filters })[0]!;
    }
    return this.visitsInOnePass(query);
  }

  /**
   * Without visit filters every measure follows from one row per visit, so the range is grouped
   * once and never materialized. A visit is one visitor's, so its visitor_id is any of its rows'.
   */
  private visitsInOnePass(query: StatsQuery): Measures {
    const params = new Params();
    const passing = [`name <> '${ENGAGEMENT}'`, ...query.filters.map((filter) => eventFilterSql(filter, '', params))];
    const sql = `SELECT COUNT(*) AS visits, COUNT(DISTINCT vid) AS visitors, SUM(ppv) AS pageviews, SUM(pce) AS events,
        SUM(pv = 1 AND ce = 0 AND ems < ${BOUNCE_ENGAGED_MS}) AS bounces, SUM(pv) AS visit_pageviews, SUM(ems) AS engagement_ms
      FROM (
        SELECT visitor_id AS vid, MAX(m) AS matched,
          SUM(name = '${PAGEVIEW}') AS pv, SUM(name NOT IN ('${PAGEVIEW}', '${ENGAGEMENT}')) AS ce, COALESCE(SUM(engagement_ms), 0) AS ems,
          SUM(m AND name = '${PAGEVIEW}') AS ppv, SUM(m AND name <> '${PAGEVIEW}') AS pce
        FROM (SELECT session_id, visitor_id, name, engagement_ms, (${passing.join(' AND ')}) AS m
              FROM events ${this.coversMostOf(query.site, query.range) ? 'INDEXED BY events_site_visits' : ''}
              WHERE site = ${params.add(query.site)} AND ts >= ${params.add(query.range.from)} AND ts < ${params.add(query.range.to)})
        GROUP BY session_id)
      WHERE matched = 1`;
    return toMeasures(this.all<MeasureRow>({ sql: '', params, visitFiltered: false }, sql)[0]);
  }

  timeseries(query: TimeseriesQuery): Measures[] {
    if (this.canSkipVisits(query)) {
      const byBucket = new Map(this.eventMeasures(query.site, query.buckets, query.filters, undefined).map((row) => [row.k, row]));
      return query.buckets.map((_bucket, i) => toMeasures(byBucket.get(i)));
    }
    const shape = withClause(query.site, query.buckets, query.filters, undefined);
    const rows = this.all<MeasureRow & { bucket: number }>(
      shape,
      `SELECT b.i AS bucket, em.visitors, em.pageviews, em.events, vm.visits, vm.bounces, vm.visit_pageviews, vm.engagement_ms
       FROM b
       LEFT JOIN (SELECT e.bucket, ${EVENT_MEASURES} FROM ${passingEvents(shape)} GROUP BY e.bucket) em ON em.bucket = b.i
       LEFT JOIN (SELECT ks.bucket, ${VISIT_MEASURES} FROM ks GROUP BY ks.bucket) vm ON vm.bucket = b.i
       ORDER BY b.i`,
    );
    return rows.map(toMeasures);
  }

  breakdown(query: BreakdownQuery): BreakdownRow[] {
    if (this.canSkipVisits(query, query.property)) {
      return this.eventMeasures(query.site, [query.range], query.filters, query.property).map((row) => ({
        value: row.k as string | null,
        measures: toMeasures(row),
      }));
    }
    const shape = withClause(query.site, [query.range], query.filters, query.property);
    let select: string;
    if (query.property.scope === 'visit') {
      const key = `ks.v_${query.property.field}`;
      select = `SELECT vm.k, em.visitors, em.pageviews, em.events, vm.visits, vm.bounces, vm.visit_pageviews, vm.engagement_ms
        FROM (SELECT ${key} AS k, ${VISIT_MEASURES} FROM ks GROUP BY ${key}) vm
        LEFT JOIN (SELECT ${key} AS k, ${EVENT_MEASURES} FROM e JOIN ks ON ks.sid = e.sid WHERE e.m GROUP BY ${key}) em
          ON em.k IS vm.k`;
    } else {
      select = `, g AS MATERIALIZED (SELECT e.k, e.sid, e.vid, e.name FROM ${passingEvents(shape)})
        SELECT em.k, em.visitors, em.pageviews, em.events, vm.visits, vm.bounces, vm.visit_pageviews, vm.engagement_ms
        FROM (SELECT g.k, COUNT(DISTINCT g.vid) AS visitors, SUM(g.name = '${PAGEVIEW}') AS pageviews,
                SUM(g.name <> '${PAGEVIEW}') AS events FROM g GROUP BY g.k) em
        JOIN (SELECT gs.k, ${VISIT_MEASURES} FROM (SELECT DISTINCT k, sid FROM g) gs JOIN ks ON ks.sid = gs.sid GROUP BY gs.k) vm
          ON vm.k IS em.k`;
    }
    const rows = this.all<MeasureRow & { k: string | null }>(shape, select);
    return rows.map((row) => ({ value: row.k, measures: toMeasures(row) }));
  }
}
