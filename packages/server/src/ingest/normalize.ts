/** Turns a validated payload into the fields Sightline stores: page, campaign, source and client. */
import type { EventPayload } from '@sightline/shared';
import type { StoredEvent } from '../store/types.js';
import { referral } from './referrer.js';
import type { Client } from './user-agent.js';

/** What the payload and User-Agent alone tell; identity, visit and country come from the request. */
export type NormalizedEvent = Omit<StoredEvent, 'visitorId' | 'sessionId' | 'country'>;

const UTM_LENGTH_LIMIT = 300;

/** The page's own query first, then a hash route's: `#/landing?utm_source=news` is a campaign too. */
function utm(params: readonly URLSearchParams[], name: string): string | null {
  for (const query of params) {
    const value = query.get(`utm_${name}`)?.trim();
    if (value) return value.slice(0, UTM_LENGTH_LIMIT);
  }
  return null;
}

/** Paths are shown to people, so `/%C3%BCber` is stored as `/über`; a malformed escape is kept as sent. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Hash routes (`#/settings`) are pages of single-page apps; any other fragment is an anchor. A hash
 * route has a query string of its own (`#/reset?token=…&email=…`), dropped as the page's is: it
 * is where single-page apps carry tokens and addresses.
 */
function hashRoute(url: URL): { route: string; query: URLSearchParams } | undefined {
  if (!url.hash.startsWith('#/')) return undefined;
  const mark = url.hash.indexOf('?');
  return mark === -1
    ? { route: url.hash, query: new URLSearchParams() }
    : { route: url.hash.slice(0, mark), query: new URLSearchParams(url.hash.slice(mark + 1)) };
}

function stringProps(props: EventPayload['props']): Record<string, string> {
  const result: Record<string, string> = {};
  if (props !== undefined) for (const [key, value] of Object.entries(props)) result[key] = String(value);
  return result;
}

/** `url` is `payload.url` already parsed: the caller checks its host first. */
export function normalizeEvent(payload: EventPayload, url: URL, client: Client, ts: number): NormalizedEvent {
  const hostname = url.hostname.toLowerCase();
  const route = hashRoute(url);
  const queries = route === undefined ? [url.searchParams] : [url.searchParams, route.query];
  const utmSource = utm(queries, 'source');
  const { referrer, source } = referral(payload.referrer, hostname, utmSource);
  return {
    site: payload.site,
    ts,
    name: payload.name,
    path: decodePath(url.pathname + (route?.route ?? '')),
    hostname,
    referrer,
    referrerSource: source,
    utmSource,
    utmMedium: utm(queries, 'medium'),
    utmCampaign: utm(queries, 'campaign'),
    utmTerm: utm(queries, 'term'),
    utmContent: utm(queries, 'content'),
    browser: client.browser,
    os: client.os,
    device: client.device,
    screenWidth: payload.screen_width ?? null,
    engagementMs: payload.engagement_ms ?? null,
    props: stringProps(payload.props),
    ...(payload.id === undefined ? {} : { eventId: payload.id }),
  };
}
