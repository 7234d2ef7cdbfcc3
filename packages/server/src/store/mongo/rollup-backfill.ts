/**
 * The first start on a database whose events predate the per-day rollups counts them, once, and
 * the first start after rollup days became local dates recounts the sites in zones that change
 * their clocks, whose days used to start at their midnight in standard time: a marker in
 * `migrations` records that each finished. Several servers starting together share the
 * work through a lease: the holder recounts site by site, renewing the lease as it goes, while
 * the others wait for the marker, or take over once the lease runs out because the holder
 * stopped. Recounting a site replaces its rollups, so work cut off half-way is simply redone.
 */
import { fixedDays, rollupShiftMs, zoneDays } from '../rollup-days.js';
import type { MigrationCollection } from './visit-backfill.js';
import type { MongoRollups } from './rollups.js';

export const ROLLUPS_FROM_EVENTS = 'rollups-from-events';
export const ROLLUPS_LOCAL_DAYS = 'rollups-local-days';

/** Whether a site's rollups were counted on other days than its local dates: its zone changes its clocks, or did. */
export const countedOnStandardDays = (site: { timezone: string; createdAt: Date }): boolean =>
  zoneDays(site.timezone).key !== fixedDays(rollupShiftMs(site.timezone, site.createdAt.getTime())).key;

export interface RollupBackfill {
  /** The migration's marker, and the name of its lease. */
  marker: typeof ROLLUPS_FROM_EVENTS | typeof ROLLUPS_LOCAL_DAYS;
  rollups: MongoRollups;
  migrations: MigrationCollection;
  /** The sites to recount. */
  sites(): Promise<string[]>;
  /** Takes or renews the lease for this server; false while another server holds it. */
  claim(): Promise<boolean>;
  /** Waits before looking at the marker and the lease again. */
  pause(): Promise<void>;
  now(): Date;
}

export async function backfillRollups(backfill: RollupBackfill): Promise<void> {
  const { marker, rollups, migrations } = backfill;
  for (;;) {
    if ((await migrations.findOne({ _id: { $eq: marker } })) !== null) return;
    if (await backfill.claim()) break;
    await backfill.pause();
  }
  const renew = async () => {
    if (!(await backfill.claim())) throw new Error(`another server took over ${marker}: the lease ran out`);
  };
  for (const site of await backfill.sites()) {
    await rollups.rebuildSite(site, renew);
    await renew();
  }
  await migrations.updateOne({ _id: { $eq: marker } }, { $set: { doneAt: backfill.now() } }, { upsert: true });
}
