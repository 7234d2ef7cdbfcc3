/**
 * The per-day rollups' documents and the writes that keep them, as pure functions: MongoDB's
 * pre-aggregated report pattern, the same model as the embedded store's (sqlite/rollups.ts).
 *
 *   day_groups    (site, field, day, value): visitors, pageviews, custom events of that day;
 *                 field `*` (value null) counts every counted event, `page` and `name` per value
 *   day_visitors  (site, field, value, visitorId, day, multi): the visitor had a counted event
 *                 with that value that day; `multi` once the id has such rows on several days
 *
 * A group's `visitors` is distinct within its day. Summing days counts an identified visitor
 * (whose id outlives the daily salt) once per day, so reads subtract, over the multi rows of
 * the days they sum, rows minus distinct ids; anonymous ids live one day and are never multi.
 */
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import type { RollupDays } from '../rollup-days.js';
import type { StoredEvent } from '../types.js';

export const ROLLUP_COLLECTIONS = { groups: 'day_groups', visitors: 'day_visitors' } as const;

/** `*` rolls up every counted event; the others per value of that event field. */
export const ROLLUP_FIELDS = ['*', 'page', 'name'] as const;
export type RollupField = (typeof ROLLUP_FIELDS)[number];

export interface DayGroupDocument {
  site: string;
  field: RollupField;
  day: number;
  value: string | null;
  visitors: number;
  pageviews: number;
  events: number;
}

export interface DayVisitorDocument {
  site: string;
  field: RollupField;
  value: string | null;
  visitorId: number;
  day: number;
  multi: boolean;
}

/** A counted event's share of the rollups, from a new event or from a recount of stored ones. */
export interface RollupPair {
  site: string;
  field: RollupField;
  value: string | null;
  visitorId: number;
  day: number;
  pageviews: number;
  events: number;
}

/** A batch's pairs, each (site, field, value, visitor, day) once with its counts summed. */
export function pairsOfBatch(events: readonly StoredEvent[], daysOf: (site: string) => RollupDays): RollupPair[] {
  const pairs = new Map<string, RollupPair>();
  for (const e of events) {
    if (e.name === ENGAGEMENT) continue;
    const day = daysOf(e.site).day(e.ts);
    const values: Record<RollupField, string | null> = { '*': null, page: e.path, name: e.name };
    for (const field of ROLLUP_FIELDS) {
      const value = values[field];
      // The value goes last: it is the only part that may hold any character.
      const key = `${e.site}\u0000${day}\u0000${e.visitorId}\u0000${field}\u0000${value ?? ''}`;
      let pair = pairs.get(key);
      if (pair === undefined) {
        pair = { site: e.site, field, value, visitorId: e.visitorId, day, pageviews: 0, events: 0 };
        pairs.set(key, pair);
      }
      if (e.name === PAGEVIEW) pair.pageviews++;
      else pair.events++;
    }
  }
  return [...pairs.values()];
}

export interface UpsertOne {
  updateOne: { filter: Record<string, unknown>; update: Record<string, Record<string, unknown>>; upsert: true };
}

export interface FlagMany {
  updateMany: { filter: Record<string, unknown>; update: { $set: { multi: true } } };
}

/** Plain equalities, so an upsert copies them into the document it creates. */
const visitorKey = (pair: Pick<RollupPair, 'site' | 'field' | 'value' | 'visitorId'>) => ({
  site: pair.site,
  field: pair.field,
  value: pair.value,
  visitorId: pair.visitorId,
});

/** One upsert per pair; the upserted ones are the visitors new to their day and value. */
export const visitorWrites = (pairs: readonly RollupPair[]): UpsertOne[] =>
  pairs.map((pair) => ({
    updateOne: { filter: { ...visitorKey(pair), day: pair.day }, update: { $setOnInsert: { multi: false } }, upsert: true },
  }));

/** The pairs' counts summed per group, `visitors` counting only the pairs at `isNew`. */
export function groupWrites(pairs: readonly RollupPair[], isNew: (index: number) => boolean): UpsertOne[] {
  const groups = new Map<string, DayGroupDocument>();
  pairs.forEach((pair, index) => {
    const key = `${pair.site}\u0000${pair.day}\u0000${pair.field}\u0000${pair.value ?? ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { site: pair.site, field: pair.field, day: pair.day, value: pair.value, visitors: 0, pageviews: 0, events: 0 };
      groups.set(key, group);
    }
    group.pageviews += pair.pageviews;
    group.events += pair.events;
    if (isNew(index)) group.visitors++;
  });
  return [...groups.values()].map(({ site, field, day, value, visitors, pageviews, events }) => ({
    updateOne: { filter: { site, field, day, value }, update: { $inc: { visitors, pageviews, events } }, upsert: true },
  }));
}

/**
 * Finds, among the ids of `pairs`, those with rows on several days of which some are not yet
 * flagged. It runs after the pairs' rows are written, so of two servers adding an id's second
 * day at once, at least the later one sees both rows.
 */
export function repeatedVisitorsPipeline(pairs: readonly RollupPair[]): Array<Record<string, unknown>> {
  const keys = new Map(pairs.map((pair) => [`${pair.site}\u0000${pair.field}\u0000${pair.visitorId}\u0000${pair.value ?? ''}`, pair]));
  return [
    {
      $match: {
        $or: [...keys.values()].map((pair) => ({
          site: { $eq: pair.site },
          field: { $eq: pair.field },
          value: { $eq: pair.value },
          visitorId: { $eq: pair.visitorId },
        })),
      },
    },
    {
      $group: {
        _id: { site: '$site', field: '$field', value: '$value', visitorId: '$visitorId' },
        days: { $sum: 1 },
        unflagged: { $sum: { $cond: ['$multi', 0, 1] } },
      },
    },
    { $match: { days: { $gt: 1 }, unflagged: { $gt: 0 } } },
  ];
}

export const flagWrites = (repeated: ReadonlyArray<{ _id: Pick<RollupPair, 'site' | 'field' | 'value' | 'visitorId'> }>): FlagMany[] =>
  repeated.map(({ _id }) => ({ updateMany: { filter: { ...visitorKey(_id), multi: false }, update: { $set: { multi: true } } } }));
