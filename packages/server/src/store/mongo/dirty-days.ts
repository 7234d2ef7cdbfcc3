/**
 * Days whose visits and rollups a batch may have left wrong: one marker per site and rollup day
 * in `rollup_repairs`, holding a token per batch writing that day. A batch adds its token before
 * its events are written and takes it out once its visits and rollups are counted, so a token
 * that stays names a day to recount: its batch failed (it then makes its token due at once), or
 * its process died part-way (the token falls due once older than any batch runs). The maintenance
 * run recounts due days (day-repairs.ts), and stats reads take them from the events meanwhile
 * (pipelines/pending-spans.ts).
 *
 * The collection is the driver's, or in tests the same calls evaluated by mingo.
 */

export const DIRTY_DAY_COLLECTION = 'rollup_repairs';

/**
 * A token this old belongs to a batch that is no longer running. Each write of a batch gives up
 * after MONGODB_WRITE_TIMEOUT_MS (5 s by default) and a batch makes a handful of them; fifteen
 * minutes leaves room for a recount of a batch's busiest days on a loaded server.
 */
export const ABANDONED_AFTER_MS = 15 * 60_000;

/** Where a due token's time is moved, so it is due whatever the clock of the server reading it. */
const DUE_AT = new Date(0);

/** A rollup day of a site as the instants it covers, [from, to), in the site's zone when marked. */
export interface DaySpan {
  site: string;
  from: number;
  to: number;
}

export interface DirtyDayToken {
  id: string;
  at: Date;
}

export interface DirtyDayDocument {
  _id: unknown;
  site: string;
  from: Date;
  to: Date;
  pending: DirtyDayToken[];
  /** Raised by every change, so a recount can tell whether a batch touched the day while it ran. */
  version: number;
}

type Filter = Record<string, unknown>;

export type DirtyDayWrite =
  | { updateOne: { filter: Filter; update: Record<string, unknown>; upsert?: true; arrayFilters?: Filter[] } }
  | { deleteOne: { filter: Filter } };

export interface DirtyDayCollection {
  bulkWrite(writes: DirtyDayWrite[], options: { ordered: boolean }): Promise<unknown>;
  find(filter: Filter): { toArray(): Promise<DirtyDayDocument[]> };
  deleteOne(filter: Filter): Promise<unknown>;
  deleteMany(filter: Filter): Promise<unknown>;
}

const dayKey = (day: DaySpan) => ({ site: day.site, from: new Date(day.from) });

export class DirtyDays {
  constructor(private readonly markers: DirtyDayCollection) {}

  /** Before a batch writes: its token on each of its days. */
  async mark(days: readonly DaySpan[], id: string, at: Date): Promise<void> {
    if (days.length === 0) return;
    const writes: DirtyDayWrite[] = days.map((day) => ({
      updateOne: {
        filter: dayKey(day),
        update: { $setOnInsert: { to: new Date(day.to) }, $push: { pending: { id, at } }, $inc: { version: 1 } },
        upsert: true,
      },
    }));
    await this.markers.bulkWrite(writes, { ordered: false });
  }

  /** After a batch's visits and rollups are counted: its token goes, and a marker left with none. */
  async clear(days: readonly DaySpan[], id: string): Promise<void> {
    if (days.length === 0) return;
    const writes: DirtyDayWrite[] = days.flatMap((day) => [
      { updateOne: { filter: dayKey(day), update: { $pull: { pending: { id } }, $inc: { version: 1 } } } },
      { deleteOne: { filter: { ...dayKey(day), pending: { $size: 0 } } } },
    ]);
    await this.markers.bulkWrite(writes, { ordered: true });
  }

  /** After a batch failed, or needed a repair: its days are due for the next maintenance run. */
  async giveUp(days: readonly DaySpan[], id: string): Promise<void> {
    if (days.length === 0) return;
    const writes: DirtyDayWrite[] = days.map((day) => ({
      updateOne: { filter: dayKey(day), update: { $set: { 'pending.$[token].at': DUE_AT }, $inc: { version: 1 } }, arrayFilters: [{ 'token.id': id }] },
    }));
    await this.markers.bulkWrite(writes, { ordered: false });
  }

  /**
   * The markers to recount now: with a due token and no token of a batch still running, since a
   * recount while a batch writes the day could count that batch's events twice.
   */
  async due(now: number): Promise<DirtyDayDocument[]> {
    const dueBefore = new Date(now - ABANDONED_AFTER_MS);
    const markers = await this.markers.find({ 'pending.at': { $lt: dueBefore } }).toArray();
    return markers.filter((marker) => marker.pending.every((token) => token.at.getTime() < dueBefore.getTime()));
  }

  /** After a recount of a marker's day: gone, unless a batch changed it since it was read. */
  async settle(marker: DirtyDayDocument): Promise<void> {
    await this.markers.deleteOne({ _id: { $eq: marker._id }, version: { $eq: marker.version } });
  }

  async deleteSite(site: string): Promise<void> {
    await this.markers.deleteMany({ site: { $eq: site } });
  }
}
