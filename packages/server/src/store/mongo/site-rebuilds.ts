/**
 * A time zone change recounts all of a site's rollups, delete-first, a week at a time, which may
 * take minutes. A marker in `rollup_rebuilds` (one per site) records it before the new zone is
 * stored, then the first day not yet recounted after each week, so a rebuild cut off by a dying
 * process resumes where it stopped instead of leaving the rest of the site without rollups. The
 * marker is also a lease, renewed every week: the maintenance run takes over a rebuild whose
 * server stopped renewing it. Stats reads take the days not yet recounted from the events
 * (pipelines/pending-spans.ts), so they answer as the embedded store does, whose change is one
 * transaction: never days of one zone counted under the other's.
 *
 * The collection is the driver's, or in tests the same calls evaluated by mingo.
 */
import type { RollupDays } from '../rollup-days.js';
import type { MongoRollups } from './rollups.js';

export const REBUILD_COLLECTION = 'rollup_rebuilds';

/** Renewed after every week recounted: ten minutes leaves room for a slow week, as the first start's backfill does. */
const REBUILD_LEASE_MS = 600_000;

export interface RebuildDocument {
  /** The site. */
  _id: string;
  holder: string;
  until: Date;
  /** The days not yet recounted, [from, to); both null until the old rollups are deleted and the site's days known. */
  from: Date | null;
  to: Date | null;
}

type Filter = Record<string, unknown>;

export interface RebuildCollection {
  updateOne(filter: Filter, update: { $set: Partial<RebuildDocument> }, options?: { upsert: true }): Promise<{ matchedCount: number; upsertedCount: number }>;
  find(filter: Filter): { toArray(): Promise<RebuildDocument[]> };
  deleteOne(filter: Filter): Promise<unknown>;
}

export class SiteRebuilds {
  constructor(
    private readonly markers: RebuildCollection,
    private readonly rollups: MongoRollups,
    private readonly holder: string,
    private readonly now: () => number,
  ) {}

  /** Before the new zone is stored: the whole site is pending, and this server rebuilds it. */
  async begin(site: string): Promise<void> {
    await this.markers.updateOne(
      { _id: { $eq: site } },
      { $set: { holder: this.holder, until: this.leaseEnd(), from: null, to: null } },
      { upsert: true },
    );
  }

  /** Drops the marker of a rebuild that has nothing to do (the site was not found). */
  async cancel(site: string): Promise<void> {
    await this.markers.deleteOne({ _id: { $eq: site }, holder: { $eq: this.holder } });
  }

  /** Deletes the site's rollups and recounts them all, under the zone now stored. */
  async run(site: string): Promise<void> {
    await this.rollups.deleteSite(site);
    const span = await this.rollups.storedDays(site);
    if (span !== null) await this.recount(site, span.from, span.to, span.days);
    await this.markers.deleteOne({ _id: { $eq: site }, holder: { $eq: this.holder } });
  }

  /** Takes over and finishes the rebuilds whose server stopped renewing them; resolves to how many. */
  async resumeAbandoned(): Promise<number> {
    const now = new Date(this.now());
    let resumed = 0;
    for (const marker of await this.markers.find({ until: { $lte: now } }).toArray()) {
      const claimed = await this.markers.updateOne(
        { _id: { $eq: marker._id }, until: { $lte: now } },
        { $set: { holder: this.holder, until: this.leaseEnd() } },
      );
      if (claimed.matchedCount === 0) continue;
      await this.resume(marker);
      resumed++;
    }
    return resumed;
  }

  private async resume(marker: RebuildDocument): Promise<void> {
    if (marker.from === null || marker.to === null) return this.run(marker._id);
    // The marker's instants are whole days of the zone now stored, which is the one they were recorded under.
    const days = await this.rollups.daysOf(marker._id);
    await this.recount(marker._id, days.day(marker.from.getTime()), days.day(marker.to.getTime()), days);
    await this.markers.deleteOne({ _id: { $eq: marker._id }, holder: { $eq: this.holder } });
  }

  private async recount(site: string, fromDay: number, toDay: number, days: RollupDays): Promise<void> {
    const progress = async (next: number) => {
      const renewed = await this.markers.updateOne(
        { _id: { $eq: site }, holder: { $eq: this.holder } },
        { $set: { from: new Date(days.start(next)), to: new Date(days.start(toDay)), until: this.leaseEnd() } },
      );
      if (renewed.matchedCount === 0) throw new Error(`the rollup rebuild of ${site} was taken over by another server or a newer time zone change`);
    };
    await progress(fromDay);
    await this.rollups.recountDays(site, fromDay, toDay, progress);
  }

  async deleteSite(site: string): Promise<void> {
    await this.markers.deleteOne({ _id: { $eq: site } });
  }

  private leaseEnd(): Date {
    return new Date(this.now() + REBUILD_LEASE_MS);
  }
}
