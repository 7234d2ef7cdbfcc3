/**
 * The first start on a database whose events predate the per-day rollups counts them, once: a
 * marker in `migrations` records that it finished. Several servers starting together share the
 * work through a lease: the holder recounts site by site, renewing the lease as it goes, while
 * the others wait for the marker, or take over once the lease runs out because the holder
 * stopped. Recounting a site replaces its rollups, so work cut off half-way is simply redone.
 */
import type { MigrationCollection } from './visit-backfill.js';
import type { MongoRollups } from './rollups.js';

export const ROLLUPS_FROM_EVENTS = 'rollups-from-events';

export interface RollupBackfill {
  rollups: MongoRollups;
  migrations: MigrationCollection;
  sites(): Promise<string[]>;
  /** Takes or renews the lease for this server; false while another server holds it. */
  claim(): Promise<boolean>;
  /** Waits before looking at the marker and the lease again. */
  pause(): Promise<void>;
  now(): Date;
}

export async function backfillRollups(backfill: RollupBackfill): Promise<void> {
  const { rollups, migrations } = backfill;
  for (;;) {
    if ((await migrations.findOne({ _id: { $eq: ROLLUPS_FROM_EVENTS } })) !== null) return;
    if (await backfill.claim()) break;
    await backfill.pause();
  }
  const renew = async () => {
    if (!(await backfill.claim())) throw new Error(`another server took over ${ROLLUPS_FROM_EVENTS}: the lease ran out`);
  };
  for (const site of await backfill.sites()) {
    await rollups.rebuildSite(site, renew);
    await renew();
  }
  await migrations.updateOne({ _id: { $eq: ROLLUPS_FROM_EVENTS } }, { $set: { doneAt: backfill.now() } }, { upsert: true });
}
