/**
 * breakdown(): measures per value of one property. By a visit property each visit is in the
 * group of its attribute; by an event property or a prop, in the group of each of its passing
 * events' values (so in several groups at once), counting only those events there. With a page,
 * the groups are ranked and cut in the pipeline, so an answer's size follows its limit.
 */
import type { PipelineStage } from 'mongoose';
import type { BreakdownQuery, BreakdownRow, Property } from '../../types.js';
import { visitPath } from './document-paths.js';
import { eventMeasureStages, readsEventsOnly } from './event-measures.js';
import { eventValue } from './filters.js';
import { measuresByKey, readMeasures } from './measures.js';
import type { PipelineQuery } from './pipeline-query.js';
import { rankedPageStages } from './rank.js';
import { storedVisitRowStages } from './stored-visits.js';
import { visitRowStages } from './visits.js';

export function breakdownQuery(query: BreakdownQuery): PipelineQuery<BreakdownRow[]> {
  const { property } = query;
  const groups =
    property.scope === 'visit'
      ? [...visitRowStages(query.site, query.range, query.filters, null), ...measuresByKey(`$${visitPath(property.field)}`)]
      : readsEventsOnly(query, property)
        ? eventMeasureStages(query.site, query.range, query.filters, eventValue(property))
        : [...visitRowStages(query.site, query.range, query.filters, eventValue(property)), ...measuresByKey('$k')];
  return pagedGroups(groups, query);
}

/** By a visit property, with the visits read from the visits collection (stored-visits.ts). */
export function storedBreakdownQuery(
  query: BreakdownQuery & { property: Extract<Property, { scope: 'visit' }> },
  rebuilt: readonly number[],
): PipelineQuery<BreakdownRow[]> {
  const rows = storedVisitRowStages(query.site, [query.range], query.filters, false, rebuilt);
  return { collection: 'visits', ...pagedGroups([...rows, ...measuresByKey(`$${visitPath(query.property.field)}`)], query) };
}

function pagedGroups(groups: PipelineStage[], query: BreakdownQuery): PipelineQuery<BreakdownRow[]> {
  return {
    pipeline: query.page === undefined ? groups : [...groups, ...rankedPageStages(query.page)],
    read(rows) {
      return rows.map((row) => {
        const { _id, ...measures } = row as Record<string, unknown>;
        return { value: _id === null || _id === undefined ? null : String(_id), measures: readMeasures(measures) };
      });
    },
  };
}
