/**
 * How domain records look inside MongoDB, and the pure conversions both ways. Nothing
 * outside store/mongo sees these shapes.
 */
import type { ApiKeyRecord, KeyScope, SiteRecord, StoredEvent } from '../types.js';

/**
 * The bucket key of the time-series collection: the site alone. Each distinct value opens its
 * own buckets, so a field a client chooses freely (the event name, a page) would let one client
 * open unbounded numbers of near-empty buckets.
 */
export interface EventMeta {
  site: string;
}

/** A custom property as a key/value pair, so a user-chosen key never becomes a field path. */
export interface PropPair {
  k: string;
  v: string;
}

/**
 * Declared field by field because this is the shape on disk; the pipelines reach its fields by
 * the vocabulary's `mongo` paths (store/fields.ts), which documents.test.ts holds to it.
 */
export interface EventDocument {
  ts: Date;
  meta: EventMeta;
  name: string;
  path: string;
  hostname: string;
  referrer: string | null;
  referrerSource: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  screenWidth: number | null;
  visitorId: number;
  sessionId: number;
  engagementMs: number | null;
  props: PropPair[];
}

export function toEventDocument(event: StoredEvent): EventDocument {
  return {
    ts: new Date(event.ts),
    meta: { site: event.site },
    name: event.name,
    path: event.path,
    hostname: event.hostname,
    referrer: event.referrer,
    referrerSource: event.referrerSource,
    utmSource: event.utmSource,
    utmMedium: event.utmMedium,
    utmCampaign: event.utmCampaign,
    utmTerm: event.utmTerm,
    utmContent: event.utmContent,
    browser: event.browser,
    os: event.os,
    device: event.device,
    country: event.country,
    screenWidth: event.screenWidth,
    visitorId: event.visitorId,
    sessionId: event.sessionId,
    engagementMs: event.engagementMs,
    props: Object.entries(event.props).map(([k, v]) => ({ k, v })),
  };
}

export interface SiteDocument {
  /** The domain: the natural key, so uniqueness needs no extra index. */
  _id: string;
  timezone: string;
  createdAt: Date;
  public: boolean;
  /** Days of events kept; null or absent: all. */
  retentionDays?: number | null;
  /** Null or absent: the server's ALLOW_SUBDOMAINS. */
  allowSubdomains?: boolean | null;
}

export function toSiteDocument(site: SiteRecord): SiteDocument {
  return { _id: site.domain, timezone: site.timezone, createdAt: new Date(site.createdAt), public: site.public === true };
}

export function toSiteRecord(document: SiteDocument): SiteRecord {
  return {
    domain: document._id,
    timezone: document.timezone,
    createdAt: document.createdAt.getTime(),
    // Sites stored before the flag existed have no field: not public.
    public: document.public === true,
    ...(typeof document.allowSubdomains === 'boolean' ? { allowSubdomains: document.allowSubdomains } : {}),
  };
}

export interface ApiKeyDocument {
  /** The key's public id. */
  _id: string;
  site: string;
  scopes: KeyScope[];
  /** Hex SHA-256 of the secret; unique index. */
  hash: string;
  createdAt: Date;
  /** Absent or null until the key is first used. */
  lastUsedAt?: Date | null;
  /** Absent when the key was created without one. */
  label?: string;
}

export function toApiKeyDocument(key: ApiKeyRecord): ApiKeyDocument {
  return {
    _id: key.id,
    site: key.site,
    scopes: [...key.scopes],
    hash: key.hash,
    createdAt: new Date(key.createdAt),
    ...(key.lastUsedAt === undefined ? {} : { lastUsedAt: new Date(key.lastUsedAt) }),
    ...(key.label === undefined ? {} : { label: key.label }),
  };
}

export function toApiKeyRecord(document: ApiKeyDocument): ApiKeyRecord {
  return {
    id: document._id,
    site: document.site,
    scopes: [...document.scopes],
    hash: document.hash,
    createdAt: document.createdAt.getTime(),
    ...(document.lastUsedAt instanceof Date ? { lastUsedAt: document.lastUsedAt.getTime() } : {}),
    ...(typeof document.label === 'string' ? { label: document.label } : {}),
  };
}

export interface SaltDocument {
  /** The UTC day, YYYY-MM-DD; string order is day order. */
  _id: string;
  salt: Buffer;
}

/** Who holds a task shared by every server on the database (the retention purge), and until when. */
export interface LeaseDocument {
  /** The task. */
  _id: string;
  holder: string;
  until: Date;
}
