/**
 * Data retention: each site may keep only its last N days of events. The server purges on a
 * timer (RETENTION_PURGE_INTERVAL_MINUTES) and the CLI can purge at once; both call purgeExpired.
 */
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

/** Runs purgeExpired now and then every `intervalMs`, without keeping the process alive. */
export function schedulePurge(store: DataRetention, clock: Clock, intervalMs: number, logger: Logger): void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const purged = (await purgeExpired(store, clock.now())).filter((entry) => entry.deleted > 0);
      if (purged.length > 0) logger.info({ purged }, 'deleted events past their site retention');
    } catch (error) {
      // The store may be down for a moment; the next tick tries again.
      logger.warn({ reason: (error as Error).message }, 'retention purge failed');
    } finally {
      running = false;
    }
  };
  void tick();
  setInterval(() => void tick(), intervalMs).unref();
}
