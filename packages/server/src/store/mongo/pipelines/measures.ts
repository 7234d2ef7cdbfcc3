/** Adding up counted visits (visits.ts) into the port's Measures, per group. */
import type { PipelineStage } from 'mongoose';
import type { Measures } from '../../types.js';
import { stage, type Expression } from './expressions.js';
import { asNumber } from './pipeline-query.js';

export const ZERO: Measures = {
  visitors: 0,
  visits: 0,
  pageviews: 0,
  events: 0,
  bounces: 0,
  visitPageviews: 0,
  engagementMs: 0,
};

/**
 * Groups counted visits by `key`: first per (key, visitor), so visitors are counted without
 * collecting every visitor id into one document, then per key.
 */
export function measuresByKey(key: Expression): PipelineStage[] {
  return [
    stage({
      $group: {
        _id: { key, visitor: '$visitor' },
        visits: { $sum: 1 },
        pageviews: { $sum: '$pageviews' },
        events: { $sum: '$events' },
        bounces: { $sum: '$bounce' },
        visitPageviews: { $sum: '$visitPageviews' },
        engagementMs: { $sum: '$engagementMs' },
      },
    }),
    stage({
      $group: {
        _id: '$_id.key',
        visitors: { $sum: 1 },
        visits: { $sum: '$visits' },
        pageviews: { $sum: '$pageviews' },
        events: { $sum: '$events' },
        bounces: { $sum: '$bounces' },
        visitPageviews: { $sum: '$visitPageviews' },
        engagementMs: { $sum: '$engagementMs' },
      },
    }),
  ];
}

export function readMeasures(row: Record<string, unknown> | undefined): Measures {
  if (row === undefined) return { ...ZERO };
  return {
    visitors: asNumber(row.visitors),
    visits: asNumber(row.visits),
    pageviews: asNumber(row.pageviews),
    events: asNumber(row.events),
    bounces: asNumber(row.bounces),
    visitPageviews: asNumber(row.visitPageviews),
    engagementMs: asNumber(row.engagementMs),
  };
}
