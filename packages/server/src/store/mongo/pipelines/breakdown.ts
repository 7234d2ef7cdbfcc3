/**
 * breakdown(): measures per value of one property. By a visit property each visit is in the
 * group of its attribute; by an event property or a prop, in the group of each of its passing
 * events' values (so in several groups at once), counting only those events there.
 */
import type { PipelineStage } from 'mongoose';
import type { BreakdownQuery, BreakdownRow } from '../../types.js';
import { visitPath } from './document-paths.js';
import { stage } from './expressions.js';
import { eventValue } from './filters.js';
import { measuresByKey, readMeasures } from './measures.js';
import type { PipelineQuery } from './pipeline-query.js';
import { countedVisitStages, passingIsPageview } from './visits.js';

function groupStages(property: BreakdownQuery['property']): PipelineStage[] {
  if (property.scope === 'visit') return measuresByKey(`$${visitPath(property.field)}`);
  return [
    stage({ $unwind: '$passing' }),
    // One document per (value, visit) with the visit's own totals, so a visit counts once per group.
    stage({
      $group: {
        _id: { key: eventValue(property, '$passing'), visit: '$_id' },
        visitor: { $first: '$passing.v' },
        pageviews: { $sum: passingIsPageview },
        events: { $sum: { $subtract: [1, passingIsPageview] } },
        bounce: { $first: '$bounce' },
        visitPageviews: { $first: '$visitPageviews' },
        engagementMs: { $first: '$engagementMs' },
      },
    }),
    ...measuresByKey('$_id.key'),
  ];
}

export function breakdownQuery(query: BreakdownQuery): PipelineQuery<BreakdownRow[]> {
  return {
    pipeline: [...countedVisitStages(query.site, query.range, query.filters), ...groupStages(query.property)],
    read(rows) {
      return rows.map((row) => {
        const { _id, ...measures } = row as Record<string, unknown>;
        return { value: _id === null || _id === undefined ? null : String(_id), measures: readMeasures(measures) };
      });
    },
  };
}
