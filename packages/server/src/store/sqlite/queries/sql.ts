/**
 * What the SQLite stats queries share: bound parameters, filter conditions, the ranking of a
 * breakdown page and the conversion of result rows. User input only ever reaches SQL as bound
 * parameters.
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { EVENT_FIELDS } from '../../fields.js';
import { goalAlternatives } from '../../goal-filters.js';
import { isGoalFilter, isVisitFilter, type BreakdownPage, type Filter, type Measures, type StatsFilter, type TimeRange } from '../../types.js';

/** Collects bound parameters in the order their placeholders appear in the SQL text. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return '?';
  }
}

/** The tracker's own events: most of all events, where a custom event is a few. */
const AUTOMATIC: ReadonlySet<string> = new Set([PAGEVIEW, ENGAGEMENT]);

/** GLOB treats `?` and `[` as wildcards too; ours has only `*`. */
const globPattern = (pattern: string) => pattern.replace(/[[?]/g, (char) => `[${char}]`);

/** Whether the column's value is one the filter lists, NULL when the column is. */
function anySql(col: () => string, filter: Filter, params: Params): string {
  switch (filter.match) {
    case 'exact':
      return `${col()} IN (${filter.values.map((value) => params.add(value)).join(', ')})`;
    case 'wildcard':
      return filter.values.map((value) => `${col()} GLOB ${params.add(globPattern(value))}`).join(' OR ');
    case 'contains':
      return filter.values.map((value) => `instr(${col()}, ${params.add(value)}) > 0`).join(' OR ');
  }
}

/**
 * `column` is a function when its SQL binds parameters: it is written once per value compared,
 * and each copy must bind its own parameters in the order they appear in the text.
 */
export function matchSql(column: string | (() => string), filter: Filter, params: Params): string {
  const col = typeof column === 'string' ? () => column : column;
  // A missing value makes the comparison NULL: it matches nothing, so a negated filter keeps it.
  const matched = `COALESCE((${anySql(col, filter, params)}), 0)`;
  return filter.negated ? `NOT ${matched}` : matched;
}

export const propSql = (alias: string, key: string, params: Params) =>
  `(SELECT p.value FROM json_each(${alias}props) p WHERE p.key = ${params.add(key)})`;

/** A fifth: see HistoryReach. */
const WHOLE_HISTORY_SHARE = 5;

/**
 * Whether a read's range is a large enough part of the site's history for seeking a custom event
 * or a page pattern in events_site_name_path, which reads its events of every day stored, to read
 * fewer rows than the range itself: over 30 days of a 30-day history it does (a `/blog/*` goal: 71
 * ms against 204 ms), but for one day of a year's events the range is far fewer. An exact page is
 * sought within the range, whatever the history.
 */
export class HistoryReach {
  private readonly firstTs;

  constructor(db: Database.Database) {
    this.firstTs = db.prepare<[string], number | null>('SELECT MIN(ts) FROM events WHERE site = ?').pluck();
  }

  covers(site: string, range: TimeRange): boolean {
    const first = this.firstTs.get(site);
    return first === null || first === undefined || (range.to - range.from) * WHOLE_HISTORY_SHARE >= range.to - first;
  }
}

/**
 * The condition of an event, prop or goal filter over the events table aliased `alias`;
 * `wholeHistory` when the read may seek a name or a page pattern over every day stored (HistoryReach).
 */
export function eventFilterSql(filter: StatsFilter, alias: string, params: Params, wholeHistory: boolean): string {
  if (isGoalFilter(filter)) {
    const all = (filters: Filter[]) => `(${filters.map((each) => eventFilterSql(each, alias, params, wholeHistory)).join(' AND ')})`;
    return `(${goalAlternatives(filter.goals).map(all).join(' OR ')})`;
  }
  const property = filter.property;
  if (property.scope === 'event') {
    // Event fields are NOT NULL columns, so a match is never NULL: left bare, it lets SQLite seek
    // the events it names in events_site_name_path instead of reading every event in the range.
    // A pattern is sought over every day stored, so only where the range covers enough of them.
    const column = `${alias}${EVENT_FIELDS[property.field].column}`;
    if (filter.negated || (filter.match !== 'exact' && !wholeHistory)) return matchSql(column, filter, params);
    const match = anySql(() => column, filter, params);
    // Without statistics SQLite prefers the range's index to a name alone; but a custom event is
    // a small share of the events, so all of its events stored are fewer to read than the range's
    // when the range covers enough of them (a 4-step funnel's custom event step: 8 ms against 145
    // ms over 30 days of a 30-day history). For a list of names SQLite keeps to the range whatever
    // the likelihood.
    const custom =
      wholeHistory && property.field === 'name' && filter.match === 'exact' && filter.values.length === 1 && !AUTOMATIC.has(filter.values[0]!);
    return custom ? `likelihood(${match}, 0.05)` : `(${match})`;
  }
  if (property.scope === 'prop') {
    const match = matchSql(() => propSql(alias, property.key, params), filter, params);
    // Only an event with props can have the prop: said outright, it lets SQLite read the
    // index of events with props (events_site_ts_props) instead of every event in the range.
    return filter.negated ? match : `${alias}props IS NOT NULL AND ${match}`;
  }
  throw new Error('a visit filter is not an event filter');
}

export const hasVisitFilter = (filters: readonly StatsFilter[]) => filters.some(isVisitFilter);

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

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= 200) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all<T>(sql: string, params: Params): T[] {
    return this.statement(sql).all(...params.values) as T[];
  }

  /** The rows as arrays of their columns, read one at a time. */
  rows<T extends unknown[]>(sql: string, params: Params): IterableIterator<T> {
    return this.statement(sql).raw(true).iterate(...params.values) as IterableIterator<T>;
  }
}
