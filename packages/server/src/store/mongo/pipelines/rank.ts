/**
 * A breakdown page ranked and cut inside the pipeline, so only the page leaves MongoDB: the
 * order of breakdown-page.ts, with each metric computed from the group's measures and rounded
 * as stats/metrics.ts rounds it (half up: Math.round is floor(x + 0.5), not $round's half to even).
 */
import type { Metric } from '@sightline/shared';
import type { PipelineStage } from 'mongoose';
import type { BreakdownPage } from '../../types.js';
import { stage, type Expression } from './expressions.js';

const perVisit = (total: string): Expression => ({ $cond: [{ $eq: ['$visits', 0] }, 0, { $divide: [total, '$visits'] }] });
const roundHalfUp = (value: Expression): Expression => ({ $floor: { $add: [value, 0.5] } });

function metricExpression(metric: Metric): Expression {
  switch (metric) {
    case 'visitors':
    case 'visits':
    case 'pageviews':
      return `$${metric}`;
    case 'events':
      return { $add: ['$pageviews', '$events'] };
    case 'views_per_visit':
      return { $divide: [roundHalfUp({ $multiply: [perVisit('$visitPageviews'), 100] }), 100] };
    case 'bounce_rate':
      return roundHalfUp({ $multiply: [perVisit('$bounces'), 100] });
    case 'visit_duration':
      return roundHalfUp({ $divide: [perVisit('$engagementMs'), 1000] });
  }
}

/** After the groups (one document per value in `_id`): the metric descending, then the value, missing values last. */
export function rankedPageStages(page: BreakdownPage): PipelineStage[] {
  return [
    stage({ $addFields: { rank: metricExpression(page.rankBy), missing: { $cond: [{ $eq: ['$_id', null] }, 1, 0] } } }),
    stage({ $sort: { rank: -1, missing: 1, _id: 1 } }),
    ...(page.offset > 0 ? [stage({ $skip: page.offset })] : []),
    stage({ $limit: page.limit }),
  ];
}
