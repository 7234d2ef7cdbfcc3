/**
 * The stats queries of the SQLite store, each answered by the cheapest of its query shapes
 * (queries/): event measures alone from the rollups or one pass over events, unfiltered visit
 * measures from the per-day visit rollups, and the rest from the visits table.
 */
import type Database from 'better-sqlite3';
import { pageOfGroups } from '../breakdown-page.js';
import type { BreakdownQuery, BreakdownRow, FunnelQuery, Measures, Property, StatsFilter, StatsQuery, TimeseriesQuery } from '../types.js';
import { ALL_VISITS } from './visit-rollups.js';
import { EdgeVisits } from './queries/edge-visits.js';
import { EventMeasures } from './queries/event-measures.js';
import { FunnelHits } from './queries/funnel.js';
import { VisitGroups } from './queries/visit-groups.js';
import { hasVisitFilter, toMeasures } from './queries/sql.js';
import { eventMeasuresSource, VisitMeasures, type GroupRow } from './queries/visit-measures.js';

const byKey = (rows: readonly GroupRow[]) => new Map(rows.map((row) => [row.k, row]));

export class SqliteStatsQueries {
  private readonly eventMeasures;
  private readonly visitMeasures;
  private readonly visitGroups;
  private readonly funnelHits;

  constructor(db: Database.Database) {
    const edges = new EdgeVisits(db);
    this.eventMeasures = new EventMeasures(db);
    this.visitMeasures = new VisitMeasures(db, edges);
    this.visitGroups = new VisitGroups(db, edges);
    this.funnelHits = new FunnelHits(db, edges);
  }

  private canSkipVisits(query: { eventMeasuresOnly?: boolean; filters: readonly StatsFilter[] }, group?: Property): boolean {
    return query.eventMeasuresOnly === true && !hasVisitFilter(query.filters) && group?.scope !== 'visit';
  }

  /** One row per bucket: visit measures from the visits, event measures from wherever is cheapest. */
  private perBucket(site: string, buckets: TimeseriesQuery['buckets'], filters: readonly StatsFilter[], eventMeasuresOnly?: boolean): Measures[] {
    const grouping = buckets.length === 1 ? ({ by: 'none' } as const) : ({ by: 'bucket' } as const);
    const visits = byKey(this.visitMeasures.run({ site, buckets, filters, grouping, eventMeasuresOnly }));
    const events =
      eventMeasuresSource(filters, grouping) === 'none' ? byKey(this.eventMeasures.run(site, buckets, filters, undefined)) : undefined;
    return buckets.map((_bucket, i) => {
      const visit = visits.get(i);
      const event = events?.get(i);
      return toMeasures(event === undefined ? visit : { ...visit, visitors: event.visitors, pageviews: event.pageviews, events: event.events });
    });
  }

  aggregate(query: StatsQuery): Measures {
    const events = () => this.eventMeasures.run(query.site, [query.range], query.filters, undefined)[0];
    if (this.canSkipVisits(query)) return toMeasures(events());
    const groups = query.filters.length === 0 ? this.visitGroups.run(query.site, query.range, ALL_VISITS) : undefined;
    if (groups !== undefined) {
      const counts = events();
      return toMeasures({ ...groups[0], visitors: counts?.visitors, pageviews: counts?.pageviews, events: counts?.events });
    }
    return this.perBucket(query.site, [query.range], query.filters, query.eventMeasuresOnly)[0]!;
  }

  timeseries(query: TimeseriesQuery): Measures[] {
    if (this.canSkipVisits(query)) {
      const rows = byKey(this.eventMeasures.run(query.site, query.buckets, query.filters, undefined));
      return query.buckets.map((_bucket, i) => toMeasures(rows.get(i)));
    }
    return this.perBucket(query.site, query.buckets, query.filters, query.eventMeasuresOnly);
  }

  breakdown(query: BreakdownQuery): BreakdownRow[] {
    const fromGroups =
      query.property.scope === 'visit' && query.filters.length === 0
        ? this.visitGroups.run(query.site, query.range, query.property.field)
        : undefined;
    if (fromGroups !== undefined) {
      const groups = fromGroups.map((row) => ({ value: row.k as string | null, measures: toMeasures(row) }));
      return query.page === undefined ? groups : pageOfGroups(groups, query.page, (row) => row.measures, (row) => row.value);
    }
    const rows = this.canSkipVisits(query, query.property)
      ? this.eventMeasures.run(query.site, [query.range], query.filters, query.property, query.page)
      : this.visitMeasures.run({
          site: query.site,
          buckets: [query.range],
          filters: query.filters,
          grouping: { by: 'property', property: query.property, page: query.page },
          eventMeasuresOnly: query.eventMeasuresOnly,
        });
    return rows.map((row) => ({ value: row.k as string | null, measures: toMeasures(row) }));
  }

  funnel(query: FunnelQuery): number[] {
    return this.funnelHits.run(query);
  }
}
