/**
 * The stages every stats query starts with: one site's events in a range, grouped into visits
 * (sessions), the visit filters applied to whole visits, the event filters to each visit's
 * events, and the per-visit counts that the measures add up. The definitions are the port's
 * (store/types.ts); each output document is one counted visit:
 *
 *   { _id: sessionId, visit: { entry_page, exit_page, source, ... }, firstTs,
 *     passing: [{ t, n, p, h, v, e, pr }],   counted events that pass the event filters
 *     visitor, pageviews, events,             over `passing`
 *     visitPageviews, engagementMs, bounce }  over the whole visit in the range
 */
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import type { PipelineStage } from 'mongoose';
import { FIRST_EVENT_FIELD_NAMES } from '../../fields.js';
import { BOUNCE_ENGAGED_MS, type Filter, type TimeRange, type VisitField } from '../../types.js';
import { EVENT_KEY_SOURCES, EVENT_KEYS, FIRST_EVENT_SOURCES, visitPath } from './document-paths.js';
import { fieldOfEnd, filter, literal, size, stage, sumOf, type Expression } from './expressions.js';
import { eventValue, filterExpression, filterQuery } from './filters.js';
import { matchSite } from './site-range.js';

const nameOf = (variable: string) => `${variable}.${EVENT_KEYS.name}`;
const nameIs = (variable: string, name: string) => ({ $eq: [nameOf(variable), literal(name)] });
const isCustom = (variable: string) => ({ $not: [{ $in: [nameOf(variable), literal([PAGEVIEW, ENGAGEMENT])] }] });

export function countedVisitStages(site: string, range: TimeRange, filters: readonly Filter[]): PipelineStage[] {
  const visitFilters = filters.filter((f) => f.property.scope === 'visit');
  const eventFilters = filters.filter((f) => f.property.scope !== 'visit');
  const pageviews = filter('$events', 'ev', nameIs('$$ev', PAGEVIEW));

  return [
    matchSite(site, range),
    // Sorted first so $first is the visit's first event; ties (never in practice) may go either way.
    stage({ $sort: { ts: 1 } }),
    stage({
      $group: {
        _id: '$sessionId',
        first: { $first: { t: '$ts', ...FIRST_EVENT_SOURCES } },
        events: { $push: { t: '$ts', ...EVENT_KEY_SOURCES, v: '$visitorId', e: '$engagementMs', pr: '$props' } },
      },
    }),
    // $push keeps arrival order in practice but does not promise it, so the array is sorted explicitly.
    stage({ $addFields: { events: { $sortArray: { input: '$events', sortBy: { t: 1 } } } } }),
    stage({
      $addFields: {
        visit: {
          entry_page: fieldOfEnd('$first', pageviews, EVENT_KEYS.page),
          exit_page: fieldOfEnd('$last', pageviews, EVENT_KEYS.page),
          ...Object.fromEntries(FIRST_EVENT_FIELD_NAMES.map((field) => [field, { $ifNull: [`$first.${field}`, null] }])),
        },
      },
    }),
    ...(visitFilters.length > 0
      ? [stage({ $match: { $and: visitFilters.map((f) => filterQuery(visitPath((f.property as { field: VisitField }).field), f)) } })]
      : []),
    stage({
      $addFields: {
        passing: filter('$events', 'ev', {
          $and: [
            { $ne: ['$$ev.n', literal(ENGAGEMENT)] },
            ...eventFilters.map((f) => filterExpression(eventValue(f.property as Exclude<Filter['property'], { scope: 'visit' }>, '$$ev'), f)),
          ],
        }),
      },
    }),
    stage({ $match: { 'passing.0': { $exists: true } } }),
    stage({
      $addFields: {
        visitor: fieldOfEnd('$first', '$passing', 'v'),
        pageviews: size(filter('$passing', 'ev', nameIs('$$ev', PAGEVIEW))),
        visitPageviews: size(pageviews),
        customEvents: size(filter('$events', 'ev', isCustom('$$ev'))),
        engagementMs: sumOf(filter('$events', 'ev', nameIs('$$ev', ENGAGEMENT)), 'e'),
      },
    }),
    stage({
      $project: {
        _id: 1,
        visit: 1,
        firstTs: '$first.t',
        passing: 1,
        visitor: 1,
        pageviews: 1,
        events: { $subtract: [size('$passing'), '$pageviews'] },
        visitPageviews: 1,
        engagementMs: 1,
        bounce: {
          $cond: [
            {
              $and: [
                { $eq: ['$visitPageviews', 1] },
                { $eq: ['$customEvents', 0] },
                { $lt: ['$engagementMs', BOUNCE_ENGAGED_MS] },
              ],
            },
            1,
            0,
          ],
        },
      },
    }),
  ];
}

/** 1 for a pageview, 0 otherwise, for the unwound `passing` event. */
export const passingIsPageview: Expression = { $cond: [nameIs('$passing', PAGEVIEW), 1, 0] };
