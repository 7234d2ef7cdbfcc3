/**
 * Funnels: the range's passing counted events that complete any step, of the visits that pass the
 * visit filters, read in visit and time order and folded per visit (funnel-progress.ts). Visit
 * filters test the visits table, or for the visits the range cuts in two their part inside it.
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT } from '@sightline/shared';
import { visitColumn } from '../../fields.js';
import { funnelVisitors, type VisitHits } from '../../funnel-progress.js';
import { goalFilters } from '../../goal-filters.js';
import type { Filter, FunnelQuery, VisitField } from '../../types.js';
import { ATTRIBUTE_COLUMNS, type Visit } from '../visits.js';
import type { EdgeVisits } from './edge-visits.js';
import { eventFilterSql, matchSql, Params, StatementCache } from './sql.js';

type HitRow = [session: number, visitor: number, mask: number];

function visitValue(visit: Visit, column: string): string | null {
  if (column === 'entry_page') return visit.entryPage;
  if (column === 'exit_page') return visit.exitPage;
  return visit.attributes[ATTRIBUTE_COLUMNS.indexOf(column)] ?? null;
}

/** Rows come sorted by session, so each visit's hits are consecutive. */
function* visitsOf(rows: readonly HitRow[]): Generator<VisitHits> {
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i < rows.length && rows[i]![0] === rows[start]![0]) continue;
    yield { visitor: rows[start]![1], masks: rows.slice(start, i).map((row) => row[2]) };
    start = i;
  }
}

export class FunnelHits {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly edges: EdgeVisits,
  ) {
    this.statements = new StatementCache(db);
  }

  run({ site, range, filters, steps }: FunnelQuery): number[] {
    const visitFilters = filters.filter((filter) => filter.property.scope === 'visit');
    const eventFilters = filters.filter((filter) => filter.property.scope !== 'visit');
    const params = new Params();
    const ctes: string[] = [];
    if (visitFilters.length > 0) {
      const columns = [...new Set(visitFilters.map((filter) => visitColumn((filter.property as { field: VisitField }).field)))];
      const edges = this.edges.within(site, range).map((visit) => [visit.sessionId, ...columns.map((column) => visitValue(visit, column))]);
      const kept = (alias: string) =>
        visitFilters.map((filter) => ` AND ${matchSql(`${alias}.${visitColumn((filter.property as { field: VisitField }).field)}`, filter, params)}`).join('');
      ctes.push(`ed(session_id, ${columns.join(', ')}) AS (SELECT ${['session_id', ...columns].map((_c, i) => `value ->> ${i}`).join(', ')}
        FROM json_each(${params.add(JSON.stringify(edges))}))`);
      ctes.push(`v(sid) AS (SELECT x.session_id FROM visits x WHERE x.site = ${params.add(site)} AND x.start_ts >= ${params.add(range.from)}
          AND x.start_ts < ${params.add(range.to)} AND x.end_ts < ${params.add(range.to)}${kept('x')}
        UNION ALL SELECT e.session_id FROM ed e WHERE 1${kept('e')})`);
    }
    const stepSql = (filtersOfStep: Filter[]) => `(${filtersOfStep.map((filter) => eventFilterSql(filter, 'ev.', params)).join(' AND ')})`;
    // Placeholders bind in the order they appear: the mask's come before the site's.
    const mask = steps.map((step, i) => `(${stepSql(goalFilters(step))} << ${i})`).join(' | ');
    const siteParam = params.add(site);
    const from = params.add(range.from);
    const to = params.add(range.to);
    const passing = [`ev.name <> '${ENGAGEMENT}'`, ...eventFilters.map((filter) => eventFilterSql(filter, 'ev.', params))];
    if (visitFilters.length > 0) passing.push('ev.session_id IN (SELECT sid FROM v)');
    const sql = `${ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n` : ''}SELECT * FROM (
        SELECT ev.session_id AS s, ev.visitor_id AS vid, ${mask} AS m, ev.ts AS ts, ev.id AS id FROM events ev
        WHERE ev.site = ${siteParam} AND ev.ts >= ${from} AND ev.ts < ${to} AND ${passing.join(' AND ')})
      WHERE m <> 0 ORDER BY s, ts, id`;
    const rows = this.statements.all<{ s: number; vid: number; m: number }>(sql, params).map((row): HitRow => [row.s, row.vid, row.m]);
    return funnelVisitors(visitsOf(rows), steps.length);
  }
}
