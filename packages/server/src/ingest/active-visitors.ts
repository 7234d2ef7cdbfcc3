/**
 * "Visitors right now": every event marks its visitor as seen in a per-site sliding window of
 * five minutes (a Redis sorted set scored by time, or its in-process equivalent).
 */
import type { Cache } from '../cache/types.js';

export const ACTIVE_WINDOW_MS = 5 * 60 * 1000;

const windowKey = (site: string) => `active:${site}`;

export function markActive(cache: Cache, site: string, visitorId: number, now: number): Promise<void> {
  return cache.markSeen(windowKey(site), String(visitorId), now, ACTIVE_WINDOW_MS);
}

export function countActive(cache: Cache, site: string, now: number): Promise<number> {
  return cache.countSeen(windowKey(site), now - ACTIVE_WINDOW_MS);
}
