/**
 * "Visitors right now": every event marks its visitor as seen in a per-site sliding window of
 * five minutes (a Redis sorted set scored by time, or its in-process equivalent).
 */
import type { VisitState } from '../visits/types.js';

export const ACTIVE_WINDOW_MS = 5 * 60 * 1000;

export const activeWindow = (site: string) => `active:${site}`;

export function markActive(visits: VisitState, site: string, visitorId: number, now: number): Promise<void> {
  return visits.markSeen(activeWindow(site), String(visitorId), now, ACTIVE_WINDOW_MS);
}

export function countActive(visits: VisitState, site: string, now: number): Promise<number> {
  return visits.countSeen(activeWindow(site), now - ACTIVE_WINDOW_MS);
}
