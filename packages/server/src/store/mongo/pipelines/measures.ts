/** Adding up the rows of counted visits (visits.ts) into the port's Measures, per group. */
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

/** `value` for the one row that speaks for its visit in a group (`i` = 0), 0 for the others. */
const forVisit = (value: Expression) => ({ $cond: [{ $eq: ['$i', 0] }, value, 0] });

/**
 * Groups visit rows by `key`: first per (key, visit), collecting the visit's few visitor ids
 * (more than one only when a visit spans a change of visitor id); then per (key, visitor), the
 * visit's counts going to its first visitor only, so each visit counts once and each visitor
 * once; then per key. No group collects more than one visit's visitors.
 */
export function measuresByKey(key: Expression): PipelineStage[] {
  return [
    stage({
      $group: {
        _id: { key, s: '$s' },
        visitors: { $addToSet: '$v' },
        pageviews: { $sum: '$pageviews' },
        events: { $sum: '$events' },
        bounce: { $first: '$bounce' },
        visitPageviews: { $first: '$visitPageviews' },
        engagementMs: { $first: '$engagementMs' },
      },
    }),
    stage({ $unwind: { path: '$visitors', includeArrayIndex: 'i' } }),
    stage({
      $group: {
        _id: { key: '$_id.key', visitor: '$visitors' },
        visits: { $sum: forVisit(1) },
        pageviews: { $sum: forVisit('$pageviews') },
        events: { $sum: forVisit('$events') },
        bounces: { $sum: forVisit('$bounce') },
        visitPageviews: { $sum: forVisit('$visitPageviews') },
        engagementMs: { $sum: forVisit('$engagementMs') },
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
