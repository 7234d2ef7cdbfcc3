/**
 * A visit is a run of events from one visitor with no gap over 30 minutes (the convention
 * Plausible, Umami and Google Analytics share). The session is assigned at ingest and stored
 * on the event, so visit metrics are plain aggregations later.
 */
import type { VisitState } from '../visits/types.js';
import { randomId } from './visitor-id.js';

export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

export function assignSession(visits: VisitState, site: string, visitorId: number): Promise<number> {
  return visits.touchSession(`session:${site}:${visitorId}`, randomId(), SESSION_TIMEOUT_MS);
}
