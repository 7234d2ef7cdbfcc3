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

/**
 * 53 random bits, all a number holds exactly. The stores tell visits apart by their session id
 * alone (one unique index per site), so two visits drawing the same id would be merged into one:
 * with 48 bits a site with 100,000,000 visits would expect about 18 such pairs, with 53 about one
 * in two. randomInt draws from a pooled buffer (a randomBytes call per event cost 3% of ingest
 * CPU), but fewer than 48 bits at a time.
 */
function randomId(): number {
  return randomInt(2 ** 47) * 64 + randomInt(64);
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
