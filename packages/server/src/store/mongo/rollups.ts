/**
 * The per-day rollups (rollup-writes.ts) kept at ingest, and kept exact by purges, site deletion,
 * time zone changes and repairs, which recount whole days from the stored events
 * (rollup-recount.ts). The collections are the driver's, or in tests the same calls evaluated by
 * mingo.
 */
import type { PipelineStage } from 'mongoose';
import { fixedDays, type RollupDays } from '../rollup-days.js';
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

/** Each site's rollup days (rollup-days.ts), its time zone's local dates. */
export type SiteDays = (sites: readonly string[]) => Promise<Map<string, RollupDays>>;

/** A site not stored: its events were counted on UTC days. */
const UTC_DAYS = fixedDays(0);

/** Ids looked up per `$or` when flagging repeats: a recount of busy days writes hundreds of thousands of pairs. */
const FLAG_CHUNK = 1_000;
/** Days recounted per pipeline when a whole site is recounted, so one answer stays a few days' pairs. */
const RECOUNT_DAYS = 7;

export class MongoRollups {
  constructor(
    private readonly groups: RollupCollection,
    private readonly visitors: RollupCollection,
    private readonly eventPipeline: EventPipeline,
    private readonly siteDays: SiteDays,
  ) {}

  async daysOf(site: string): Promise<RollupDays> {
    return (await this.siteDays([site])).get(site) ?? UTC_DAYS;
  }

  /** The days of a batch's sites, read once for both its spans and its count. */
  daysOfBatch(events: readonly StoredEvent[]): Promise<Map<string, RollupDays>> {
    return this.siteDays([...new Set(events.map((event) => event.site))]);
  }

  /** The rollup days a batch's events fall on, per site. */
  spansOf(events: readonly StoredEvent[], days: Map<string, RollupDays>): DaySpan[] {
    const spans = new Map<string, DaySpan>();
    for (const event of events) {
      const siteDays = days.get(event.site) ?? UTC_DAYS;
      const day = siteDays.day(event.ts);
      spans.set(`${event.site}\u0000${day}`, { site: event.site, from: siteDays.start(day), to: siteDays.start(day + 1) });
    }
    return [...spans.values()];
  }

  /** Counts a batch of new events; runs once they are written. */
  async record(events: readonly StoredEvent[], days: Map<string, RollupDays>): Promise<void> {
    await this.write(pairsOfBatch(events, (site) => days.get(site) ?? UTC_DAYS));
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
    const days = await this.siteDays(sites);
    for (const site of sites) {
      const siteDays = days.get(site) ?? UTC_DAYS;
      const marked = new Set(events.filter((event) => event.site === site).map((event) => siteDays.day(event.ts)));
      for (const day of marked) await this.recount(site, day, day + 1, siteDays);
    }
  }

  /**
   * Recounts the days that overlap [from, to) in the site's current zone: a marked day is still
   * whole days after its time zone changed, but may then straddle two of them.
   */
  async recountSpan(site: string, from: number, to: number): Promise<void> {
    const days = await this.daysOf(site);
    await this.recount(site, days.day(from), days.day(to - 1) + 1, days);
  }

  private async recount(site: string, fromDay: number, toDay: number, siteDays: RollupDays): Promise<void> {
    const days = { $gte: fromDay, $lt: toDay };
    await this.groups.deleteMany({ site: { $eq: site }, day: days });
    await this.visitors.deleteMany({ site: { $eq: site }, day: days });
    const rows = await this.eventPipeline(recountPipeline(site, fromDay, toDay, siteDays));
    await this.write(pairsOfRecount(site, fromDay, rows));
  }

  /**
   * Runs after the site's events with ts < before are deleted: whole days before it go, and the
   * day it cuts is recounted from the events it has left. A flag left on an id whose other days
   * went is harmless: an id with one row in a range subtracts nothing.
   */
  async purged(site: string, before: number): Promise<void> {
    const days = await this.daysOf(site);
    const day = days.day(before);
    await this.groups.deleteMany({ site: { $eq: site }, day: { $lt: day } });
    await this.visitors.deleteMany({ site: { $eq: site }, day: { $lt: day } });
    if (before > days.start(day)) await this.recount(site, day, day + 1, days);
  }

  async deleteSite(site: string): Promise<void> {
    await this.groups.deleteMany({ site: { $eq: site } });
    await this.visitors.deleteMany({ site: { $eq: site } });
  }

  /**
   * Recounts every day of a site from its events, in its current zone (events stored before the
   * rollups existed, or counted on other days). `progress` runs between runs of days.
   */
  async rebuildSite(site: string, progress: () => Promise<void> = async () => undefined): Promise<void> {
    await this.deleteSite(site);
    const span = await this.storedDays(site);
    if (span !== null) await this.recountDays(site, span.from, span.to, progress);
  }

  /** The site's rollup days that hold events, [from, to), in its current zone; null without events. */
  async storedDays(site: string): Promise<{ from: number; to: number; days: RollupDays } | null> {
    const days = await this.daysOf(site);
    const [first] = await this.eventPipeline(edgeEventStages(site, 1));
    const [last] = await this.eventPipeline(edgeEventStages(site, -1));
    if (first === undefined || last === undefined) return null;
    const day = (row: unknown) => days.day((row as { ts: Date }).ts.getTime());
    return { from: day(first), to: day(last) + 1, days };
  }

  /** Recounts [fromDay, toDay) a run of days at a time; `progress` gets the first day not yet recounted after each run. */
  async recountDays(site: string, fromDay: number, toDay: number, progress: (next: number) => Promise<void>): Promise<void> {
    const days = await this.daysOf(site);
    for (let day = fromDay; day < toDay; day += RECOUNT_DAYS) {
      const next = Math.min(day + RECOUNT_DAYS, toDay);
      await this.recount(site, day, next, days);
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
