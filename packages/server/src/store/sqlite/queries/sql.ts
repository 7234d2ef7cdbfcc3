/**
 * What the SQLite stats queries share: bound parameters, filter conditions, the ranking of a
 * breakdown page and the conversion of result rows. User input only ever reaches SQL as bound
 * parameters.
 */
import type Database from 'better-sqlite3';
import { EVENT_FIELDS } from '../../fields.js';
import type { BreakdownPage, Filter, Measures } from '../../types.js';

/** Collects bound parameters in the order their placeholders appear in the SQL text. */
export class Params {
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
export function matchSql(column: string | (() => string), filter: Filter, params: Params): string {
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

export const propSql = (alias: string, key: string, params: Params) =>
  `(SELECT p.value FROM json_each(${alias}props) p WHERE p.key = ${params.add(key)})`;

/** The condition of an event or prop filter over the events table aliased `alias`. */
export function eventFilterSql(filter: Filter, alias: string, params: Params): string {
  const property = filter.property;
  if (property.scope === 'event') return matchSql(`${alias}${EVENT_FIELDS[property.field].column}`, filter, params);
  if (property.scope === 'prop') {
    const match = matchSql(() => propSql(alias, property.key, params), filter, params);
    // Only an event with props can have the prop: said outright, it lets SQLite read the
    // index of events with props (events_site_ts_props) instead of every event in the range.
    return filter.negated ? match : `${alias}props IS NOT NULL AND ${match}`;
  }
  throw new Error('a visit filter is not an event filter');
}

export const hasVisitFilter = (filters: readonly Filter[]) => filters.some((filter) => filter.property.scope === 'visit');

export interface MeasureRow {
  visitors: number | null;
  pageviews: number | null;
  events: number | null;
  visits: number | null;
  bounces: number | null;
  visit_pageviews: number | null;
  engagement_ms: number | null;
}

export const toMeasures = (row: Partial<MeasureRow> | undefined): Measures => ({
  visitors: row?.visitors ?? 0,
  visits: row?.visits ?? 0,
  pageviews: row?.pageviews ?? 0,
  events: row?.events ?? 0,
  bounces: row?.bounces ?? 0,
  visitPageviews: row?.visit_pageviews ?? 0,
  engagementMs: row?.engagement_ms ?? 0,
});

/**
 * The metric a page of groups is ranked by, over a row with MeasureRow's columns. The same
 * floating-point steps as stats/metrics.ts, so a rank ties exactly where the API's values do.
 */
function rankSql(page: BreakdownPage): string {
  const perVisit = (total: string) => `CASE WHEN COALESCE(visits, 0) = 0 THEN 0 ELSE ${total} * 1.0 / visits END`;
  switch (page.rankBy) {
    case 'visitors':
    case 'visits':
    case 'pageviews':
      return `COALESCE(${page.rankBy}, 0)`;
    case 'events':
      return 'COALESCE(pageviews, 0) + COALESCE(events, 0)';
    case 'views_per_visit':
      return `ROUND(${perVisit('visit_pageviews')} * 100) / 100`;
    case 'bounce_rate':
      return `ROUND(${perVisit('bounces')} * 100)`;
    case 'visit_duration':
      return `ROUND(${perVisit('engagement_ms')} / 1000)`;
  }
}

/** Orders groups as the API does (rank descending, then value, missing values last) and cuts the page. */
export const pageSql = (page: BreakdownPage, params: Params) =>
  `ORDER BY ${rankSql(page)} DESC, k IS NULL, k LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}`;

/** Statements keyed by SQL text: a dashboard asks the same few shapes over and over. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  all<T>(sql: string, params: Params): T[] {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= 200) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement.all(...params.values) as T[];
  }
}
