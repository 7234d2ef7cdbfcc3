/**
 * Data retention: each site may keep only its last N days of events. The server purges on a
 * timer (RETENTION_PURGE_INTERVAL_MINUTES), one server at a time, and the CLI can purge at once;
 * both call purgeExpired. The same timer, under the same claim, runs the store's pending repairs.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DataRetention } from '../store/types.js';

const DAY_MS = 86_400_000;
/** A hundred years: beyond that, "keep everything" says it better. */
export const MAX_RETENTION_DAYS = 36_500;

export interface Purged {
  site: string;
  deleted: number;
}

/** Deletes, for every site with a retention setting, the events older than its last `days` days. */
export async function purgeExpired(store: DataRetention, now: number): Promise<Purged[]> {
  const purged: Purged[] = [];
  for (const { site, days } of await store.retentionSettings()) {
    purged.push({ site, deleted: await store.purgeEvents(site, now - days * DAY_MS) });
  }
  return purged;
}

/** Names this process in the purge lease, so an operator reading it can tell which server purges. */
export function purgeHolder(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

export interface Maintained {
  purged: Purged[];
  /** Days or sites the store recounted (DataRetention.repairPending). */
  repaired: number;
}

/**
 * One tick of the scheduled maintenance: the purge, then the store's pending repairs (a purge
 * promised to site owners is not held back by a repair that keeps failing), only while `holder`
 * has them to itself. The claim outlasts two intervals, so the holder renews it each
 * tick and another server takes over within two intervals of the holder stopping. Null when
 * another server holds it.
 */
export async function maintainIfClaimed(store: DataRetention, holder: string, now: number, intervalMs: number): Promise<Maintained | null> {
  if (!(await store.claimPurge(holder, now, 2 * intervalMs))) return null;
  const purged = await purgeExpired(store, now);
  return { purged, repaired: (await store.repairPending?.(now)) ?? 0 };
}

/** Runs the purge now and then every `intervalMs`, without keeping the process alive. */
export function schedulePurge(store: DataRetention, clock: Clock, intervalMs: number, logger: Logger): void {
  const holder = purgeHolder();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const done = await maintainIfClaimed(store, holder, clock.now(), intervalMs);
      if (done !== null && done.repaired > 0) logger.info({ repaired: done.repaired }, 'recounted rollups and visits an interrupted write left behind');
      const purged = done?.purged.filter((entry) => entry.deleted > 0) ?? [];
      if (purged.length > 0) logger.info({ purged }, 'deleted events past their site retention');
    } catch (error) {
      // The store may be down for a moment; the next tick tries again.
      logger.warn({ reason: (error as Error).message }, 'maintenance (repairs and retention purge) failed');
    } finally {
      running = false;
    }
  };
  void tick();
  setInterval(() => void tick(), intervalMs).unref();
}
