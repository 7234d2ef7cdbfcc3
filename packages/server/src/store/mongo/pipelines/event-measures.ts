/**
 * The event measures alone (visitors, pageviews, events), when a query reads nothing else and no
 * filter needs whole visits: then a visit is counted exactly when it has a passing event, so the
 * passing events are all there is to count and no visits need forming. One document per
 * (key, visitor) leaves the first group, then one per key.
 */
import type { PipelineStage } from 'mongoose';
import { isVisitFilter, type Property, type StatsFilter, type TimeRange } from '../../types.js';
import { eventFactStage } from './event-facts.js';
import { stage, type Expression } from './expressions.js';
import { matchSite } from './site-range.js';

/** Whether the store may skip the visits (store/types.ts EventMeasuresHint). */
export function readsEventsOnly(query: { eventMeasuresOnly?: boolean; filters: readonly StatsFilter[] }, property?: Property): boolean {
  return query.eventMeasuresOnly === true && property?.scope !== 'visit' && !query.filters.some(isVisitFilter);
}

export function eventMeasureStages(site: string, range: TimeRange, filters: readonly StatsFilter[], eventKey: Expression | null): PipelineStage[] {
  return [
    matchSite(site, range),
    eventFactStage(filters, eventKey),
    stage({ $match: { pass: 1 } }),
    stage({ $group: { _id: { k: '$k', v: '$visitorId' }, pageviews: { $sum: '$pv' }, events: { $sum: '$custom' } } }),
    stage({ $group: { _id: '$_id.k', visitors: { $sum: 1 }, pageviews: { $sum: '$pageviews' }, events: { $sum: '$events' } } }),
  ];
}
