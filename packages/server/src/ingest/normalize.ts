/** Turns a validated payload into the fields Sightline stores: page, campaign, source and client. */
import type { EventPayload } from '@sightline/shared';
import type { StoredEvent } from '../store/types.js';
import { referral } from './referrer.js';
import type { Client } from './user-agent.js';

/** What the payload and User-Agent alone tell; identity, visit and country come from the request. */
export type NormalizedEvent = Omit<StoredEvent, 'visitorId' | 'sessionId' | 'country'>;

const UTM_LENGTH_LIMIT = 300;

function utm(params: URLSearchParams, name: string): string | null {
  const value = params.get(`utm_${name}`)?.trim();
  return value ? value.slice(0, UTM_LENGTH_LIMIT) : null;
}

/** Paths are shown to people, so `/%C3%BCber` is stored as `/über`; a malformed escape is kept as sent. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Hash routes (`#/settings`) are pages of single-page apps; any other fragment is an anchor. */
function pagePath(url: URL): string {
  return decodePath(url.hash.startsWith('#/') ? url.pathname + url.hash : url.pathname);
}

function stringProps(props: EventPayload['props']): Record<string, string> {
  const result: Record<string, string> = {};
  if (props !== undefined) for (const [key, value] of Object.entries(props)) result[key] = String(value);
  return result;
}

/** `url` is `payload.url` already parsed: the caller checks its host first. */
export function normalizeEvent(payload: EventPayload, url: URL, client: Client, ts: number): NormalizedEvent {
  const hostname = url.hostname.toLowerCase();
  const utmSource = utm(url.searchParams, 'source');
  const { referrer, source } = referral(payload.referrer, hostname, utmSource);
  return {
    site: payload.site,
    ts,
    name: payload.name,
    path: pagePath(url),
    hostname,
    referrer,
    referrerSource: source,
    utmSource,
    utmMedium: utm(url.searchParams, 'medium'),
    utmCampaign: utm(url.searchParams, 'campaign'),
    utmTerm: utm(url.searchParams, 'term'),
    utmContent: utm(url.searchParams, 'content'),
    browser: client.browser,
    os: client.os,
    device: client.device,
    screenWidth: payload.screen_width ?? null,
    engagementMs: payload.engagement_ms ?? null,
    props: stringProps(payload.props),
  };
}
