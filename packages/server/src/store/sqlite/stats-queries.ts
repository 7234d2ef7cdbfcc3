/**
 * The stats queries of the SQLite store, each answered by the cheapest of its query shapes
 * (queries/): event measures alone from the rollups or one pass over events, and measures that
 * need visits from the visits table.
 */
import type Database from 'better-sqlite3';
import type { BreakdownQuery, BreakdownRow, Filter, Measures, Property, StatsQuery, TimeseriesQuery } from '../types.js';
import { EventMeasures } from './queries/event-measures.js';
import { hasVisitFilter, toMeasures } from './queries/sql.js';
import { eventMeasuresSource, VisitMeasures, type GroupRow } from './queries/visit-measures.js';

const byKey = (rows: readonly GroupRow[]) => new Map(rows.map((row) => [row.k, row]));

export class SqliteStatsQueries {
  private readonly eventMeasures;
  private readonly visitMeasures;

  constructor(db: Database.Database) {
    this.eventMeasures = new EventMeasures(db);
    this.visitMeasures = new VisitMeasures(db);
  }

  private canSkipVisits(query: { eventMeasuresOnly?: boolean; filters: readonly Filter[] }, group?: Property): boolean {
    return query.eventMeasuresOnly === true && !hasVisitFilter(query.filters) && group?.scope !== 'visit';
  }

  /** One row per bucket: visit measures from the visits, event measures from wherever is cheapest. */
  private perBucket(site: string, buckets: TimeseriesQuery['buckets'], filters: readonly Filter[]): Measures[] {
    const grouping = buckets.length === 1 ? ({ by: 'none' } as const) : ({ by: 'bucket' } as const);
    const visits = byKey(this.visitMeasures.run({ site, buckets, filters, grouping }));
    const events =
      eventMeasuresSource(filters, grouping) === 'none' ? byKey(this.eventMeasures.run(site, buckets, filters, undefined)) : undefined;
    return buckets.map((_bucket, i) => {
      const visit = visits.get(i);
      const event = events?.get(i);
      return toMeasures(event === undefined ? visit : { ...visit, visitors: event.visitors, pageviews: event.pageviews, events: event.events });
    });
  }

  aggregate(query: StatsQuery): Measures {
    if (this.canSkipVisits(query)) return toMeasures(this.eventMeasures.run(query.site, [query.range], query.filters, undefined)[0]);
    return this.perBucket(query.site, [query.range], query.filters)[0]!;
  }

  timeseries(query: TimeseriesQuery): Measures[] {
    if (this.canSkipVisits(query)) {
      const rows = byKey(this.eventMeasures.run(query.site, query.buckets, query.filters, undefined));
      return query.buckets.map((_bucket, i) => toMeasures(rows.get(i)));
    }
    return this.perBucket(query.site, query.buckets, query.filters);
  }

  breakdown(query: BreakdownQuery): BreakdownRow[] {
    const rows = this.canSkipVisits(query, query.property)
      ? this.eventMeasures.run(query.site, [query.range], query.filters, query.property, query.page)
      : this.visitMeasures.run({
          site: query.site,
          buckets: [query.range],
          filters: query.filters,
          grouping: { by: 'property', property: query.property, page: query.page },
        });
    return rows.map((row) => ({ value: row.k as string | null, measures: toMeasures(row) }));
  }
}
