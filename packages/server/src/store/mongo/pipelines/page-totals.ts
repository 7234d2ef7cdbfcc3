/** Pageviews and distinct visitors per page, the shape the summary and all-time answers share. */
import type { PipelineStage } from 'mongoose';
import { PAGEVIEW } from '@sightline/shared';
import type { ListWindow, PageTotals } from '../../types.js';
import { eventFieldRef, nameIs } from './document-paths.js';
import { literal } from './expressions.js';
import { asNumber } from './pipeline-query.js';

type FacetStage = PipelineStage.FacetPipelineStage;

/** Visitors and pageviews over every event of the input (visitors count any event, as in SQLite). */
export function totalsStages(): FacetStage[] {
  return [
    // Grouping by visitor first keeps memory per group small, unlike one $addToSet of every id.
    {
      $group: {
        _id: '$visitorId',
        pageviews: { $sum: { $cond: [{ $eq: [eventFieldRef('name'), literal(PAGEVIEW)] }, 1, 0] } },
      },
    },
    { $group: { _id: null, visitors: { $sum: 1 }, pageviews: { $sum: '$pageviews' } } },
  ];
}

export function pageStages(order: 'visitors' | 'pageviews', window: ListWindow): FacetStage[] {
  const sort: Record<string, 1 | -1> =
    order === 'visitors' ? { visitors: -1, pageviews: -1, _id: 1 } : { pageviews: -1, _id: 1 };
  const stages: FacetStage[] = [
    { $match: nameIs(PAGEVIEW) },
    { $group: { _id: { page: eventFieldRef('page'), visitor: '$visitorId' }, pageviews: { $sum: 1 } } },
    { $group: { _id: '$_id.page', pageviews: { $sum: '$pageviews' }, visitors: { $sum: 1 } } },
    { $sort: sort },
  ];
  if (window.offset > 0) stages.push({ $skip: window.offset });
  stages.push({ $limit: window.limit });
  return stages;
}

export function readTotals(rows: readonly unknown[] | undefined): { pageviews: number; visitors: number } {
  const row = rows?.[0] as { pageviews?: unknown; visitors?: unknown } | undefined;
  return { pageviews: asNumber(row?.pageviews), visitors: asNumber(row?.visitors) };
}

export function readPages(rows: readonly unknown[] | undefined): PageTotals[] {
  return (rows ?? []).map((row) => {
    const { _id, pageviews, visitors } = row as { _id: unknown; pageviews: unknown; visitors: unknown };
    return { page: String(_id), pageviews: asNumber(pageviews), visitors: asNumber(visitors) };
  });
}
