/**
 * Funnels: the range's passing counted events that complete any step, of the visits that pass the
 * visit filters, read in visit and time order and folded per visit (funnel-progress.ts). Visit
 * filters test the visits table, or for the visits the range cuts in two their part inside it.
 */
import type Database from 'better-sqlite3';
import { ENGAGEMENT, type GoalDefinition } from '@sightline/shared';
import { visitColumn } from '../../fields.js';
import { funnelVisitors, type VisitHits } from '../../funnel-progress.js';
import { goalFilters } from '../../goal-filters.js';
import { isVisitFilter, type FunnelQuery } from '../../types.js';
import { ATTRIBUTE_COLUMNS, type Visit } from '../visits.js';
import type { EdgeVisits } from './edge-visits.js';
import { eventFilterSql, HistoryReach, matchSql, Params, StatementCache } from './sql.js';

type HitRow = [session: number, visitor: number, mask: number];

function visitValue(visit: Visit, column: string): string | null {
  if (column === 'entry_page') return visit.entryPage;
  if (column === 'exit_page') return visit.exitPage;
  return visit.attributes[ATTRIBUTE_COLUMNS.indexOf(column)] ?? null;
}

/**
 * Rows come sorted by session, so each visit's hits are consecutive: read as they come, only one
 * visit's masks are held at a time, whatever the number of hits in the range.
 */
function* visitsOf(rows: Iterable<HitRow>): Generator<VisitHits> {
  let current: { session: number; visitor: number; masks: number[] } | undefined;
  for (const [session, visitor, mask] of rows) {
    if (current?.session !== session) {
      if (current !== undefined) yield current;
      current = { session, visitor, masks: [] };
    }
    current.masks.push(mask);
  }
  if (current !== undefined) yield current;
}

export class FunnelHits {
  private readonly statements;
  private readonly reach;

  constructor(
    db: Database.Database,
    private readonly edges: EdgeVisits,
  ) {
    this.statements = new StatementCache(db);
    this.reach = new HistoryReach(db);
  }

  run({ site, range, filters, steps }: FunnelQuery): number[] {
    const visitFilters = filters.filter(isVisitFilter);
    const eventFilters = filters.filter((filter) => !isVisitFilter(filter));
    const params = new Params();
    const ctes: string[] = [];
    if (visitFilters.length > 0) {
      const columns = [...new Set(visitFilters.map((filter) => visitColumn(filter.property.field)))];
      const edges = this.edges.within(site, range).map((visit) => [visit.sessionId, ...columns.map((column) => visitValue(visit, column))]);
      const kept = (alias: string) =>
        visitFilters.map((filter) => ` AND ${matchSql(`${alias}.${visitColumn(filter.property.field)}`, filter, params)}`).join('');
      ctes.push(`ed(session_id, ${columns.join(', ')}) AS (SELECT ${['session_id', ...columns].map((_c, i) => `value ->> ${i}`).join(', ')}
        FROM json_each(${params.add(JSON.stringify(edges))}))`);
      ctes.push(`v(sid) AS (SELECT x.session_id FROM visits x WHERE x.site = ${params.add(site)} AND x.start_ts >= ${params.add(range.from)}
          AND x.start_ts < ${params.add(range.to)} AND x.end_ts < ${params.add(range.to)}${kept('x')}
        UNION ALL SELECT e.session_id FROM ed e WHERE 1${kept('e')})`);
    }
    // One branch per step, each reading only the events its goal names (events_site_name_path
    // rather than every event in the range); an event completing several steps comes once per
    // step, and its bits add up to its mask.
    const wholeHistory = this.reach.covers(site, range);
    const branch = (step: GoalDefinition, i: number) => {
      const conditions = [
        `ev.site = ${params.add(site)}`,
        `ev.ts >= ${params.add(range.from)}`,
        `ev.ts < ${params.add(range.to)}`,
        `ev.name <> '${ENGAGEMENT}'`,
        ...[...eventFilters, ...goalFilters(step)].map((filter) => eventFilterSql(filter, 'ev.', params, wholeHistory)),
      ];
      if (visitFilters.length > 0) conditions.push('ev.session_id IN (SELECT sid FROM v)');
      return `SELECT ev.session_id AS s, ev.visitor_id AS vid, ev.ts AS ts, ev.id AS id, ${1 << i} AS bit FROM events ev
        WHERE ${conditions.join(' AND ')}`;
    };
    const sql = `${ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n` : ''}SELECT s, vid, SUM(bit) AS m
      FROM (${steps.map(branch).join('\n      UNION ALL ')})
      GROUP BY s, ts, id ORDER BY s, ts, id`;
    return funnelVisitors(visitsOf(this.statements.rows<HitRow>(sql, params)), steps.length);
  }
}
