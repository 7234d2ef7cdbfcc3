/**
 * The ingest pipeline after validation: drop bots, enrich, identify the visitor, and hand the
 * event to the group commit, which decides the limits and the visit with the rest of its group.
 * Resolves once the event is committed.
 */
import type { EventPayload } from '@sightline/shared';
import type { Clock } from '../clock.js';
import type { SiteRecord } from '../store/types.js';
import type { CountryLookup } from './geo.js';
import { admitAndCommit, type EventWriter } from './group-commit.js';
import { normalizeEvent } from './normalize.js';
import { isReferrerSpam } from './referrer-spam.js';
import { pageBelongsToSite } from './site-host.js';
import { describeClient, type Client } from './user-agent.js';
import type { VisitorIds } from './visitor-id.js';
import type { Source } from './write-buffer.js';

export interface RecordDeps {
  clock: Clock;
  visitors: VisitorIds;
  writer: EventWriter;
  /** Pages on subdomains of a site count for it, unless the site says otherwise. */
  allowSubdomains: boolean;
  countries: CountryLookup;
}

export interface RequestContext {
  /** The registered site the event names, as the route found it. */
  site: SiteRecord;
  ip: string;
  /** The address as the limits count it (address-key.ts). */
  address: string;
  userAgent: string;
  /** Server-side calls (POST /track) come from the site's own back end, not from a crawler. */
  trusted?: boolean;
  /** The request's connection, whose client the group commit may wait for under load. */
  connection?: Source;
}

/** Why an event was answered but not kept, or that it was stored. */
export type RecordOutcome = 'stored' | 'bot' | 'hostname' | 'referrer-spam';

function dropReason(allowSubdomains: boolean, payload: EventPayload, url: URL, client: Client, trusted: boolean): RecordOutcome | undefined {
  if (client.bot && !trusted) return 'bot';
  if (!pageBelongsToSite(url.hostname, payload.site, allowSubdomains)) return 'hostname';
  if (isReferrerSpam(payload.referrer)) return 'referrer-spam';
  return undefined;
}

export async function recordEvent(deps: RecordDeps, payload: EventPayload, context: RequestContext): Promise<RecordOutcome> {
  const client = describeClient(context.userAgent, payload.screen_width);
  const url = new URL(payload.url);
  // The site's own choice, else the server's.
  const allowSubdomains = context.site.allowSubdomains ?? deps.allowSubdomains;
  const dropped = dropReason(allowSubdomains, payload, url, client, context.trusted === true);
  if (dropped !== undefined) {
    await admitAndCommit(deps.writer, { request: { address: context.address, site: payload.site } }, context.connection);
    return dropped;
  }
  const now = deps.clock.now();
  const normalized = { ...normalizeEvent(payload, url, client, now), country: deps.countries(context.ip) };
  const visitor =
    payload.user_id !== undefined
      ? deps.visitors.identified(payload.site, payload.user_id)
      : await deps.visitors.anonymous(payload.site, context.ip, context.userAgent);
  // A refused request keeps no visit open: admission touches the visit only once the limits let it in.
  await admitAndCommit(
    deps.writer,
    { request: { address: context.address, site: payload.site, visit: { visitor, at: now } }, event: normalized },
    context.connection,
  );
  return 'stored';
}
