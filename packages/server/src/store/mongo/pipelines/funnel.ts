/**
 * funnel(): the visits as every stats query forms them (visits.ts), keyed so that each passing
 * event completing a step is a row of its own, carrying the bit mask of the steps it matches;
 * the rest of a visit's events share one row keyed null. The hits of each visit leave the server
 * in time order and are folded per visit (funnel-progress.ts).
 */
import type { FunnelQuery } from '../../types.js';
import { funnelVisitors } from '../../funnel-progress.js';
import { goalFilters } from '../../goal-filters.js';
import { stage, type Expression } from './expressions.js';
import { eventFilterExpression } from './filters.js';
import { asNumber, type PipelineQuery } from './pipeline-query.js';
import { visitRowStages } from './visits.js';

interface VisitDocument {
  v: unknown;
  masks: unknown[];
}

export function funnelQuery(query: FunnelQuery): PipelineQuery<number[]> {
  const matches = (index: number): Expression => ({ $and: goalFilters(query.steps[index]!).map(eventFilterExpression) });
  const mask = { $add: query.steps.map((_step, i) => ({ $cond: [matches(i), 1 << i, 0] })) };
  const key = { $let: { vars: { m: mask }, in: { $cond: [{ $gt: ['$$m', 0] }, { m: '$$m', t: '$ts', i: '$_id' }, null] } } };
  return {
    pipeline: [
      ...visitRowStages(query.site, query.range, query.filters, key),
      stage({ $match: { 'k.m': { $gt: 0 } } }),
      stage({ $sort: { s: 1, 'k.t': 1, 'k.i': 1 } }),
      stage({ $group: { _id: '$s', v: { $first: '$v' }, masks: { $push: '$k.m' } } }),
    ],
    read(rows) {
      const visits = (rows as VisitDocument[]).map((row) => ({ visitor: asNumber(row.v), masks: row.masks.map(asNumber) }));
      return funnelVisitors(visits, query.steps.length);
    },
  };
}
