/**
 * The per-day rollups (rollup-writes.ts) kept at ingest, and kept exact by purges, site deletion,
 * time zone changes and repairs, which recount whole days from the stored events
 * (rollup-recount.ts). The collections are the driver's, or in tests the same calls evaluated by
 * mingo.
 */
import type { PipelineStage } from 'mongoose';
import { rollupDay, rollupDayStart } from '../rollup-days.js';
import type { StoredEvent } from '../types.js';
import type { DaySpan } from './dirty-days.js';
import { pairsOfRecount, recountPipeline } from './rollup-recount.js';
import {
  flagWrites,
  groupWrites,
  pairsOfBatch,
  repeatedVisitorsPipeline,
  visitorWrites,
  type FlagMany,
  type RollupPair,
  type UpsertOne,
} from './rollup-writes.js';

type Filter = Record<string, unknown>;

export interface RollupCollection {
  bulkWrite(writes: UpsertOne[] | FlagMany[], options: { ordered: false }): Promise<{ upsertedIds: Record<number, unknown> }>;
  aggregate(pipeline: Array<Record<string, unknown>>): { toArray(): Promise<unknown[]> };
  deleteMany(filter: Filter): Promise<unknown>;
}

/** Runs a pipeline over the events collection. */
export type EventPipeline = (pipeline: PipelineStage[]) => Promise<unknown[]>;

/** Each site's rollup shift (rollup-days.ts), from its time zone. */
export type RollupShifts = (sites: readonly string[]) => Promise<Map<string, number>>;

/** Ids looked up per `$or` when flagging repeats: a recount of busy days writes hundreds of thousands of pairs. */
const FLAG_CHUNK = 1_000;
/** Days recounted per pipeline when a whole site is recounted, so one answer stays a few days' pairs. */
const RECOUNT_DAYS = 7;

export class MongoRollups {
  constructor(
    private readonly groups: RollupCollection,
    private readonly visitors: RollupCollection,
    private readonly eventPipeline: EventPipeline,
    private readonly shifts: RollupShifts,
  ) {}

  async shiftOf(site: string): Promise<number> {
    return (await this.shifts([site])).get(site) ?? 0;
  }

  /** The shifts of a batch's sites, read once for both its days and its count. */
  shiftsOf(events: readonly StoredEvent[]): Promise<Map<string, number>> {
    return this.shifts([...new Set(events.map((event) => event.site))]);
  }

  /** The rollup days a batch's events fall on, per site. */
  daysOf(events: readonly StoredEvent[], shifts: Map<string, number>): DaySpan[] {
    const days = new Map<string, DaySpan>();
    for (const event of events) {
      const shift = shifts.get(event.site) ?? 0;
      const day = rollupDay(event.ts, shift);
      days.set(`${event.site}\u0000${day}`, { site: event.site, from: rollupDayStart(day, shift), to: rollupDayStart(day + 1, shift) });
    }
    return [...days.values()];
  }

  /** Counts a batch of new events; runs once they are written. */
  async record(events: readonly StoredEvent[], shifts: Map<string, number>): Promise<void> {
    await this.write(pairsOfBatch(events, (site) => shifts.get(site) ?? 0));
  }

  /**
   * Visitors first: the pairs whose row is new (upserted) are the visitors a group gains. Flags
   * are set before the groups grow, so no read sees a second day of an id counted unflagged for long.
   */
  private async write(pairs: readonly RollupPair[]): Promise<void> {
    if (pairs.length === 0) return;
    const { upsertedIds } = await this.visitors.bulkWrite(visitorWrites(pairs), { ordered: false });
    const upserted = new Set(Object.keys(upsertedIds).map(Number));
    const fresh = pairs.filter((_pair, index) => upserted.has(index));
    for (let i = 0; i < fresh.length; i += FLAG_CHUNK) {
      const repeated = await this.visitors.aggregate(repeatedVisitorsPipeline(fresh.slice(i, i + FLAG_CHUNK))).toArray();
      if (repeated.length > 0) await this.visitors.bulkWrite(flagWrites(repeated as Parameters<typeof flagWrites>[0]), { ordered: false });
    }
    await this.groups.bulkWrite(groupWrites(pairs, (index) => upserted.has(index)), { ordered: false });
  }

  /**
   * After a batch's rollup write failed part-way: its days are recounted from the stored events,
   * which is exact whatever part of the write was applied.
   */
  async repair(events: readonly StoredEvent[]): Promise<void> {
    const sites = [...new Set(events.map((event) => event.site))];
    const shifts = await this.shifts(sites);
    for (const site of sites) {
      const shift = shifts.get(site) ?? 0;
      const days = new Set(events.filter((event) => event.site === site).map((event) => rollupDay(event.ts, shift)));
      for (const day of days) await this.recount(site, day, day + 1, shift);
    }
  }

  /**
   * Recounts the days that overlap [from, to) under the site's current shift: a marked day is
   * still whole days after its time zone changed, but may then straddle two of them.
   */
  async recountSpan(site: string, from: number, to: number): Promise<void> {
    const shift = await this.shiftOf(site);
    await this.recount(site, rollupDay(from, shift), rollupDay(to - 1, shift) + 1, shift);
  }

  private async recount(site: string, fromDay: number, toDay: number, shift: number): Promise<void> {
    const days = { $gte: fromDay, $lt: toDay };
    await this.groups.deleteMany({ site: { $eq: site }, day: days });
    await this.visitors.deleteMany({ site: { $eq: site }, day: days });
    const rows = await this.eventPipeline(recountPipeline(site, fromDay, toDay, shift));
    await this.write(pairsOfRecount(site, fromDay, rows));
  }

  /**
   * Runs after the site's events with ts < before are deleted: whole days before it go, and the
   * day it cuts is recounted from the events it has left. A flag left on an id whose other days
   * went is harmless: an id with one row in a range subtracts nothing.
   */
  async purged(site: string, before: number): Promise<void> {
    const shift = await this.shiftOf(site);
    const day = rollupDay(before, shift);
    await this.groups.deleteMany({ site: { $eq: site }, day: { $lt: day } });
    await this.visitors.deleteMany({ site: { $eq: site }, day: { $lt: day } });
    if (before > rollupDayStart(day, shift)) await this.recount(site, day, day + 1, shift);
  }

  async deleteSite(site: string): Promise<void> {
    await this.groups.deleteMany({ site: { $eq: site } });
    await this.visitors.deleteMany({ site: { $eq: site } });
  }

  /**
   * Recounts every day of a site from its events, under its current shift (events stored before
   * the rollups existed). `progress` runs between runs of days.
   */
  async rebuildSite(site: string, progress: () => Promise<void> = async () => undefined): Promise<void> {
    await this.deleteSite(site);
    const days = await this.siteDays(site);
    if (days !== null) await this.recountDays(site, days.from, days.to, progress);
  }

  /** The site's rollup days that hold events, [from, to), under its current shift; null without events. */
  async siteDays(site: string): Promise<{ from: number; to: number; shift: number } | null> {
    const shift = await this.shiftOf(site);
    const [first] = await this.eventPipeline(edgeEventStages(site, 1));
    const [last] = await this.eventPipeline(edgeEventStages(site, -1));
    if (first === undefined || last === undefined) return null;
    const day = (row: unknown) => rollupDay((row as { ts: Date }).ts.getTime(), shift);
    return { from: day(first), to: day(last) + 1, shift };
  }

  /** Recounts [fromDay, toDay) a run of days at a time; `progress` gets the first day not yet recounted after each run. */
  async recountDays(site: string, fromDay: number, toDay: number, progress: (next: number) => Promise<void>): Promise<void> {
    const shift = await this.shiftOf(site);
    for (let day = fromDay; day < toDay; day += RECOUNT_DAYS) {
      const next = Math.min(day + RECOUNT_DAYS, toDay);
      await this.recount(site, day, next, shift);
      await progress(next);
    }
  }
}

/** The site's first (1) or last (-1) event's time, through the { meta.site, ts } index. */
const edgeEventStages = (site: string, order: 1 | -1): PipelineStage[] => [
  { $match: { 'meta.site': { $eq: site } } },
  { $sort: { ts: order } },
  { $limit: 1 },
  { $project: { _id: 0, ts: 1 } },
];
