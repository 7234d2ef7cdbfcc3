/**
 * The ingest pipeline after validation: drop bots, enrich, identify the visitor and the visit,
 * and hand the event to the group-commit buffer. Resolves once the event is committed.
 */
import type { EventPayload } from '@sightline/shared';
import type { Clock } from '../clock.js';
import type { StoredEvent } from '../store/types.js';
import type { VisitState } from '../visits/types.js';
import { markActive } from './active-visitors.js';
import type { CountryLookup } from './geo.js';
import { normalizeEvent } from './normalize.js';
import { isReferrerSpam } from './referrer-spam.js';
import { assignVisit } from './sessions.js';
import { pageBelongsToSite } from './site-host.js';
import { describeClient, type Client } from './user-agent.js';
import type { VisitorIds } from './visitor-id.js';
import type { WriteBuffer } from './write-buffer.js';

export interface RecordDeps {
  visits: VisitState;
  clock: Clock;
  visitors: VisitorIds;
  writer: WriteBuffer<StoredEvent>;
  /** Pages on subdomains of a site count for it. */
  allowSubdomains: boolean;
  countries: CountryLookup;
}

export interface RequestContext {
  ip: string;
  userAgent: string;
  /** Server-side calls (POST /track) come from the site's own back end, not from a crawler. */
  trusted?: boolean;
  /** Resolves once the rate limits let the event in, rejects with their 429. Nothing is kept before. */
  admitted: Promise<void>;
}

/** Why an event was answered but not kept, or that it was stored. */
export type RecordOutcome = 'stored' | 'bot' | 'hostname' | 'referrer-spam';

function dropReason(deps: RecordDeps, payload: EventPayload, url: URL, client: Client, trusted: boolean): RecordOutcome | undefined {
  if (client.bot && !trusted) return 'bot';
  if (!pageBelongsToSite(url.hostname, payload.site, deps.allowSubdomains)) return 'hostname';
  if (isReferrerSpam(payload.referrer)) return 'referrer-spam';
  return undefined;
}

export async function recordEvent(deps: RecordDeps, payload: EventPayload, context: RequestContext): Promise<RecordOutcome> {
  const client = describeClient(context.userAgent, payload.screen_width);
  const url = new URL(payload.url);
  const dropped = dropReason(deps, payload, url, client, context.trusted === true);
  if (dropped !== undefined) {
    await context.admitted;
    return dropped;
  }
  const now = deps.clock.now();
  const normalized = { ...normalizeEvent(payload, url, client, now), country: deps.countries(context.ip) };
  const visitor =
    payload.user_id !== undefined
      ? deps.visitors.identified(payload.site, payload.user_id)
      : await deps.visitors.anonymous(payload.site, context.ip, context.userAgent);
  // Only once admitted: a refused request must not keep a visit open.
  await context.admitted;
  const { sessionId, visitorId } = await assignVisit(deps.visits, payload.site, visitor);
  // "Visitors right now" need not hold up the answer. Redis runs one connection's commands in
  // order, so a count asked for after this answer still sees the visitor.
  markActive(deps.visits, payload.site, visitorId, now).catch(() => undefined);
  await deps.writer.append({ ...normalized, visitorId, sessionId });
  return 'stored';
}
