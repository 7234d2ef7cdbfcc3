/**
 * Rollup pairs (rollup-writes.ts) counted from stored events, for a run of a site's days: what a
 * repair, a purge's cut day, a time zone change and the first start on older data write. The
 * days are found by the same bucket search as a timeseries' (the site's day starts as buckets),
 * so the pipeline needs no date arithmetic.
 */
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import type { PipelineStage } from 'mongoose';
import type { RollupDays } from '../rollup-days.js';
import { bucketIndex } from './pipelines/bucket-index.js';
import { eventFieldRef } from './pipelines/document-paths.js';
import { flag, isName } from './pipelines/event-facts.js';
import { literal, stage } from './pipelines/expressions.js';
import { matchSite } from './pipelines/site-range.js';
import type { RollupField, RollupPair } from './rollup-writes.js';

export function recountPipeline(site: string, fromDay: number, toDay: number, siteDays: RollupDays): PipelineStage[] {
  const days = Array.from({ length: toDay - fromDay }, (_, i) => ({
    from: siteDays.start(fromDay + i),
    to: siteDays.start(fromDay + i + 1),
  }));
  return [
    matchSite(site, { from: days[0]!.from, to: days[days.length - 1]!.to }),
    stage({ $project: { _id: 0, visitorId: 1, path: 1, name: eventFieldRef('name'), day: bucketIndex('$ts', days), pv: flag(isName(PAGEVIEW)) } }),
    stage({ $match: { $nor: [{ name: { $eq: ENGAGEMENT } }] } }),
    stage({
      $project: {
        visitorId: 1,
        day: 1,
        pv: 1,
        keys: [
          { f: literal('*'), v: null },
          { f: literal('page'), v: '$path' },
          { f: literal('name'), v: '$name' },
        ],
      },
    }),
    stage({ $unwind: '$keys' }),
    stage({
      $group: {
        _id: { f: '$keys.f', v: '$keys.v', visitorId: '$visitorId', day: '$day' },
        pageviews: { $sum: '$pv' },
        events: { $sum: { $cond: [{ $eq: ['$pv', 1] }, 0, 1] } },
      },
    }),
  ];
}

interface RecountRow {
  _id: { f: RollupField; v: string | null; visitorId: number; day: number };
  pageviews: number;
  events: number;
}

export const pairsOfRecount = (site: string, fromDay: number, rows: readonly unknown[]): RollupPair[] =>
  (rows as RecountRow[]).map(({ _id, pageviews, events }) => ({
    site,
    field: _id.f,
    value: _id.v ?? null,
    visitorId: _id.visitorId,
    day: fromDay + _id.day,
    pageviews,
    events,
  }));
