/**
 * A batch of new events written with its visits and per-day rollups. Its days are marked dirty
 * first (dirty-days.ts), so whatever stops the batch part-way (a failed write, a failed repair,
 * an insert that stored part of the batch, the process dying) leaves them for the maintenance
 * run to recount from the stored events. A merge or count that fails part-way is repaired at
 * once from the stored events, and the batch still answers 202; its days stay marked, since a
 * recount while other batches write the same day may count some of their events twice, and the
 * maintenance run recounts them once no batch does.
 */
import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../types.js';
import type { DirtyDays } from './dirty-days.js';
import type { MongoRollups } from './rollups.js';
import type { MongoVisits } from './visits.js';

export interface BatchTargets {
  days: DirtyDays;
  visits: MongoVisits;
  rollups: MongoRollups;
  /** Stores the events; may store part of them and then throw. */
  insert(events: readonly StoredEvent[]): Promise<void>;
}

export async function writeBatch(targets: BatchTargets, events: readonly StoredEvent[], now: number): Promise<void> {
  const { days: dirty, visits, rollups } = targets;
  const siteDays = await rollups.daysOfBatch(events);
  const days = rollups.spansOf(events, siteDays);
  const token = randomUUID();
  await dirty.mark(days, token, new Date(now));
  let repaired = false;
  const repair = (work: () => Promise<void>) => () => {
    repaired = true;
    return work();
  };
  try {
    await targets.insert(events);
    await visits.record(events).catch(repair(() => visits.repair(events)));
    await rollups.record(events, siteDays).catch(repair(() => rollups.repair(events)));
  } catch (error) {
    // Best effort: when MongoDB is unreachable the token falls due by its age instead.
    await dirty.giveUp(days, token).catch(() => undefined);
    throw error;
  }
  // The batch is stored and counted: a marker left by a failure here costs one recount, where refusing would have the batch sent again.
  await (repaired ? dirty.giveUp(days, token) : dirty.clear(days, token)).catch(() => undefined);
}
