/**
 * What every stats pipeline first works out per event: whether it is a pageview, a custom event or
 * engagement, whether it is passing (a counted event that passes the event filters), and the
 * query's event key `k` (its bucket, or its value of the property broken down by; null when none).
 */
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import type { PipelineStage } from 'mongoose';
import type { StatsFilter } from '../../types.js';
import { eventFieldRef } from './document-paths.js';
import { literal, stage, type Expression } from './expressions.js';
import { eventFilterExpression } from './filters.js';

const name = eventFieldRef('name');
export const isName = (value: string) => ({ $eq: [name, literal(value)] });
export const flag = (condition: Expression) => ({ $cond: [condition, 1, 0] });

export function eventFactStage(eventFilters: readonly StatsFilter[], eventKey: Expression | null): PipelineStage {
  const passes = { $and: [{ $ne: [name, literal(ENGAGEMENT)] }, ...eventFilters.map(eventFilterExpression)] };
  return stage({
    $addFields: {
      pv: flag(isName(PAGEVIEW)),
      custom: flag({ $not: [{ $in: [name, literal([PAGEVIEW, ENGAGEMENT])] }] }),
      eng: { $cond: [isName(ENGAGEMENT), { $ifNull: ['$engagementMs', 0] }, 0] },
      pass: flag(passes),
      // Pageviews rank first, so the first of (pvRank, ts) is the first pageview when there is one.
      pvRank: { $cond: [isName(PAGEVIEW), 0, 1] },
      k: eventKey ?? null,
    },
  });
}
