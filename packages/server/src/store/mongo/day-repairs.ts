/**
 * The maintenance run's recount of dirty days (dirty-days.ts): the visits of every session with
 * events on the day, rebuilt from their events, then the day's rollups recounted. The marker then
 * goes, unless a batch wrote the day meanwhile: the next run recounts it again.
 */
import type { DirtyDays } from './dirty-days.js';
import type { MongoRollups } from './rollups.js';
import type { MongoVisits } from './visits.js';

export interface DayRepairs {
  days: DirtyDays;
  visits: MongoVisits;
  rollups: MongoRollups;
  /** The sessions of a site with events in [from, to). */
  sessions(site: string, from: number, to: number): Promise<number[]>;
}

/** Resolves to how many days were recounted. */
export async function repairDirtyDays(repairs: DayRepairs, now: number): Promise<number> {
  const due = await repairs.days.due(now);
  for (const marker of due) {
    const [from, to] = [marker.from.getTime(), marker.to.getTime()];
    await repairs.visits.rebuildSessions(marker.site, await repairs.sessions(marker.site, from, to));
    await repairs.rollups.recountSpan(marker.site, from, to);
    await repairs.days.settle(marker);
  }
  return due.length;
}
