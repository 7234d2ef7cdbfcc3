/**
 * The stages every stats query starts with: one site's events in a range, formed into visits
 * (sessions), the visit filters applied to whole visits and the event filters to each event,
 * following the port's definitions (store/types.ts). No stage collects a visit's events into an
 * array, so no group grows with the events of a visit:
 *
 * 1. each event gets its facts (event-facts.ts): pageview, custom event, engagement time,
 *    whether it is passing, and the query's event key `k`;
 * 2. events are grouped by (visit, key, visitor) into rows: their counts, and their first event
 *    and first and last pageview, each picked by `$topN`/`$bottomN` with ties in arrival order
 *    (the driver gives each document an ascending `_id` as it sends them);
 * 3. rows are grouped by visit: its attributes from its first event, its entry and exit pages,
 *    its totals, and its rows, one per (key, visitor) it has, never one per event;
 * 4. after the visit filters, each counted visit is unwound back into its rows with passing
 *    events, each carrying the visit's attributes and measures:
 *
 *   { s: sessionId, k, v: visitorId, pageviews, events,     passing events of this key and visitor
 *     visit: { entry_page, exit_page, source, ... }, firstTs,
 *     visitPageviews, engagementMs, bounce }                  over the whole visit in the range
 */
import type { PipelineStage } from 'mongoose';
import { FIRST_EVENT_FIELD_NAMES } from '../../fields.js';
import { BOUNCE_ENGAGED_MS, isVisitFilter, type StatsFilter, type TimeRange } from '../../types.js';
import { eventFieldRef, FIRST_EVENT_SOURCES, visitPath } from './document-paths.js';
import { eventFactStage, flag } from './event-facts.js';
import { stage, type Expression } from './expressions.js';
import { filterQuery } from './filters.js';
import { matchSite } from './site-range.js';

/** One end of a group in time order, ties in arrival order; `$topN` of one, as `$top` differs between MongoDB and mingo. */
const firstOf = (sortBy: Record<string, 1 | -1>, output: Expression) => ({ $topN: { n: 1, sortBy, output } });
const lastOf = (sortBy: Record<string, 1 | -1>, output: Expression) => ({ $bottomN: { n: 1, sortBy, output } });
const only = (path: string) => ({ $first: path });

/** Keeps the visit rows whose `visit` attributes pass the visit filters. */
export function visitFilterStages(filters: readonly StatsFilter[]): PipelineStage[] {
  const visitFilters = filters.filter(isVisitFilter);
  if (visitFilters.length === 0) return [];
  return [stage({ $match: { $and: visitFilters.map((f) => filterQuery(visitPath(f.property.field), f)) } })];
}

/** With `sessions`, only the visits of those sessions are formed (cut-visits.ts). */
export function visitRowStages(
  site: string,
  range: TimeRange,
  filters: readonly StatsFilter[],
  eventKey: Expression | null,
  sessions?: readonly number[],
): PipelineStage[] {
  const eventFilters = filters.filter((f) => !isVisitFilter(f));

  return [
    matchSite(site, range),
    ...(sessions === undefined ? [] : [stage({ $match: { sessionId: { $in: [...sessions] } } })]),
    eventFactStage(eventFilters, eventKey),
    stage({
      $group: {
        _id: { s: '$sessionId', k: '$k', v: '$visitorId' },
        first: firstOf({ ts: 1, _id: 1 }, { t: '$ts', i: '$_id', ...FIRST_EVENT_SOURCES }),
        entry: firstOf({ pvRank: 1, ts: 1, _id: 1 }, { t: '$ts', i: '$_id', p: eventFieldRef('page') }),
        exit: lastOf({ pvRank: -1, ts: 1, _id: 1 }, { t: '$ts', i: '$_id', p: eventFieldRef('page') }),
        pageviews: { $sum: '$pv' },
        customEvents: { $sum: '$custom' },
        engagementMs: { $sum: '$eng' },
        passing: { $sum: '$pass' },
        passingPageviews: { $sum: { $multiply: ['$pass', '$pv'] } },
        passingCustom: { $sum: { $multiply: ['$pass', '$custom'] } },
      },
    }),
    stage({
      $addFields: {
        first: only('$first'),
        entry: only('$entry'),
        exit: only('$exit'),
        // 0 when the row has a pageview: its entry and exit are pageviews, and outrank other rows'.
        pvRank: { $cond: [{ $gt: ['$pageviews', 0] }, 0, 1] },
      },
    }),
    stage({
      $group: {
        _id: '$_id.s',
        first: firstOf({ 'first.t': 1, 'first.i': 1 }, '$first'),
        entry: firstOf({ pvRank: 1, 'entry.t': 1, 'entry.i': 1 }, { p: '$entry.p', r: '$pvRank' }),
        exit: lastOf({ pvRank: -1, 'exit.t': 1, 'exit.i': 1 }, { p: '$exit.p', r: '$pvRank' }),
        visitPageviews: { $sum: '$pageviews' },
        customEvents: { $sum: '$customEvents' },
        engagementMs: { $sum: '$engagementMs' },
        passing: { $sum: '$passing' },
        // One entry per (key, visitor) of the visit: one for an unkeyed query, one per bucket or value otherwise.
        rows: { $push: { k: '$_id.k', v: '$_id.v', passing: '$passing', pageviews: '$passingPageviews', events: '$passingCustom' } },
      },
    }),
    stage({ $addFields: { first: only('$first'), entry: only('$entry'), exit: only('$exit') } }),
    stage({
      $addFields: {
        visit: {
          entry_page: { $cond: [{ $eq: ['$entry.r', 0] }, '$entry.p', null] },
          exit_page: { $cond: [{ $eq: ['$exit.r', 0] }, '$exit.p', null] },
          ...Object.fromEntries(FIRST_EVENT_FIELD_NAMES.map((field) => [field, { $ifNull: [`$first.${field}`, null] }])),
        },
      },
    }),
    ...visitFilterStages(filters),
    stage({ $match: { passing: { $gt: 0 } } }),
    stage({ $unwind: '$rows' }),
    stage({ $match: { 'rows.passing': { $gt: 0 } } }),
    stage({
      $project: {
        _id: 0,
        s: '$_id',
        k: '$rows.k',
        v: '$rows.v',
        pageviews: '$rows.pageviews',
        events: '$rows.events',
        visit: 1,
        firstTs: '$first.t',
        visitPageviews: 1,
        engagementMs: 1,
        bounce: flag({
          $and: [{ $eq: ['$visitPageviews', 1] }, { $eq: ['$customEvents', 0] }, { $lt: ['$engagementMs', BOUNCE_ENGAGED_MS] }],
        }),
      },
    }),
  ];
}
