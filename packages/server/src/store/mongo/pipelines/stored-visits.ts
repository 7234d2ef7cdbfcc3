/**
 * Visit rows (visits.ts) read from the visits collection, one per counted visit the range holds
 * whole, followed by the rows of the visits it cuts or that span buckets, formed from their events
 * in the range (cut-visits.ts). Without event filters every counted event of a counted visit
 * passes, so a stored visit's counts are its row's counts, and a visit inside one bucket has all
 * its events there. The work follows the visits of the range, not its events.
 */
import type { PipelineStage } from 'mongoose';
import { FIRST_EVENT_FIELD_NAMES } from '../../fields.js';
import { BOUNCE_ENGAGED_MS, isVisitFilter, type Property, type StatsFilter, type TimeRange } from '../../types.js';
import { bucketIndex } from './bucket-index.js';
import { flag } from './event-facts.js';
import { readsEventsOnly } from './event-measures.js';
import { literal, stage } from './expressions.js';
import { visitFilterStages, visitRowStages } from './visits.js';

/** Whether a query reads the visits collection: visit measures wanted, and no filter or group needing events. */
export function readsStoredVisits(query: { eventMeasuresOnly?: boolean; filters: readonly StatsFilter[] }, property?: Property): boolean {
  return (
    !readsEventsOnly(query, property) &&
    query.filters.every(isVisitFilter) &&
    (property === undefined || property.scope === 'visit')
  );
}

/** With `byBucket`, rows are keyed by bucket index as in a timeseries; otherwise by null. */
export function storedVisitRowStages(
  site: string,
  buckets: readonly TimeRange[],
  filters: readonly StatsFilter[],
  byBucket: boolean,
  rebuilt: readonly number[],
): PipelineStage[] {
  const range = { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to };
  const inOneBucket = buckets.length > 1 ? { $expr: { $eq: [bucketIndex('$start', buckets), bucketIndex('$end', buckets)] } } : {};
  return [
    stage({
      $match: {
        site: { $eq: site },
        start: { $gte: new Date(range.from), $lt: new Date(range.to) },
        end: { $lt: new Date(range.to) },
        $or: [{ pageviews: { $gt: 0 } }, { events: { $gt: 0 } }],
        ...inOneBucket,
      },
    }),
    stage({
      $project: {
        _id: 0,
        s: '$sessionId',
        k: byBucket ? bucketIndex('$start', buckets) : literal(null),
        v: '$visitorId',
        pageviews: 1,
        events: 1,
        visit: {
          entry_page: '$entryPage',
          exit_page: '$exitPage',
          ...Object.fromEntries(FIRST_EVENT_FIELD_NAMES.map((field) => [field, `$attributes.${field}`])),
        },
        firstTs: '$start',
        visitPageviews: '$pageviews',
        engagementMs: 1,
        bounce: flag({ $and: [{ $eq: ['$pageviews', 1] }, { $eq: ['$events', 0] }, { $lt: ['$engagementMs', BOUNCE_ENGAGED_MS] }] }),
      },
    }),
    ...visitFilterStages(filters),
    ...(rebuilt.length === 0
      ? []
      : [
          stage({
            $unionWith: { coll: 'events', pipeline: visitRowStages(site, range, filters, byBucket ? bucketIndex('$ts', buckets) : null, rebuilt) },
          }),
        ]),
  ];
}
