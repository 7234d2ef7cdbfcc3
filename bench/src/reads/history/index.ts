/**
 * A reproducible 30-day history of a site in Europe/Berlin, written through the store's own batch
 * insert (the path group commit uses), so the reads are measured over data shaped like real
 * traffic: visits of one to eight pages, custom events with props, engagement, several sources,
 * countries and devices, anonymous visitors (a new id every day) and logged-in ones returning
 * over days, busier afternoons and quieter weekends.
 */
import type { StoredEvent } from '@sightline/server/dist/store/types.js';
import { seeded, type Random } from '../../prng.js';
import { visitorAt } from './population.js';
import { visitEvents } from './visit.js';

export const HISTORY_TIMEZONE = 'Europe/Berlin';
export const HISTORY_DAYS = 30;
/** The site's first day; the window is fixed and closed, so every run with the same seed writes the same rows. */
export const HISTORY_FIRST_DAY = '2026-01-01';
const DAY_MS = 86_400_000;
/** Berlin's midnight of the first day: the zone is UTC+1 all through January. */
const HISTORY_START = Date.parse(`${HISTORY_FIRST_DAY}T00:00:00+01:00`);
const BATCH = 5_000;
/** About two visits per visitor over the month, some visitors coming back far more often. */
const EVENTS_PER_VISITOR = 11;
const WEEKEND_WEIGHT = 0.7;

export interface HistoryStore {
  insertEvents(events: readonly StoredEvent[]): Promise<void>;
}

/** 2026-01-01 is a Thursday. */
const dayWeight = (day: number) => ((3 + day) % 7 >= 5 ? WEEKEND_WEIGHT : 1);

/** Most visits start between 6:00 and 23:00 local time, peaking in the afternoon; a few at night. */
function visitStart(random: Random, day: number): number {
  const fraction = random() < 0.1 ? random() : 0.25 + (0.7 * (random() + random())) / 2;
  return HISTORY_START + day * DAY_MS + Math.floor(DAY_MS * fraction);
}

/** Writes exactly `total` events, day after day, each day's in time order as live ingest would. */
export async function writeHistory(store: HistoryStore, site: string, total: number, seed: number): Promise<void> {
  const random = seeded(seed);
  const population = Math.max(1, Math.floor(total / EVENTS_PER_VISITOR));
  const weights = Array.from({ length: HISTORY_DAYS }, (_, day) => dayWeight(day));
  const sum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let written = 0;
  for (let day = 0; day < HISTORY_DAYS; day++) {
    cumulative += weights[day]!;
    const target = day === HISTORY_DAYS - 1 ? total : Math.floor((total * cumulative) / sum);
    const events: StoredEvent[] = [];
    while (written + events.length < target) {
      const visitor = visitorAt(Math.floor(population * random() ** 2));
      events.push(...visitEvents(random, { site, visitor, day, ts: visitStart(random, day) }));
    }
    events.length = target - written;
    events.sort((a, b) => a.ts - b.ts);
    for (let i = 0; i < events.length; i += BATCH) await store.insertEvents(events.slice(i, i + BATCH));
    written = target;
  }
}
