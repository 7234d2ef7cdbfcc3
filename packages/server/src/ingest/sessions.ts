/**
 * A visit is a run of events from one visitor with no gap over 30 minutes (the convention
 * Plausible, Umami and Google Analytics share), and lasts at most a day. The session is assigned
 * at ingest and stored on the event, so visit metrics are plain aggregations later.
 */
import { randomInt } from 'node:crypto';
import type { VisitTouch } from '../visits/types.js';
import type { VisitorIdentity } from './visitor-id.js';

export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * A visitor who never pauses for 30 minutes (a wall display, a script sending a user_id) would
 * otherwise keep one visit forever; a day also bounds the events any one visit can gather.
 */
export const MAX_VISIT_MS = 24 * 60 * 60 * 1000;

/** randomInt draws from a pooled buffer; a randomBytes call per event cost 3% of ingest CPU. */
function randomId(): number {
  return randomInt(2 ** 48 - 1);
}

const visitKey = (site: string, visitorId: number) => `visit:${site}:${visitorId}`;

/** Where the visitor's visit is kept, where it was kept under the previous day's id, and the visit it opens if none continues. */
export function visitTouch(site: string, visitor: VisitorIdentity): VisitTouch {
  return {
    key: visitKey(site, visitor.id),
    previousKey: visitor.previousId === undefined ? undefined : visitKey(site, visitor.previousId),
    candidate: { sessionId: randomId(), visitorId: visitor.id },
    idleMs: SESSION_TIMEOUT_MS,
    maxMs: MAX_VISIT_MS,
  };
}
