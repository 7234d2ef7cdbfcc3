/**
 * Bounds on what a client may send. The tracker and the server read the same numbers,
 * so a payload the tracker builds is never one the server rejects.
 */
export const LIMITS = {
  /** Largest request body accepted on ingest; a full pageview with props is ~1 KB. */
  maxBodyBytes: 8 * 1024,
  /** RFC 1035 caps a domain name at 253 characters. */
  maxSiteLength: 253,
  maxEventNameLength: 120,
  /** Browsers cope with longer URLs, but nothing useful for analytics lives past 2 KB. */
  maxUrlLength: 2048,
  maxReferrerLength: 2048,
  maxProps: 30,
  maxPropKeyLength: 300,
  maxPropValueLength: 2000,
  maxUserIdLength: 256,
  maxScreenWidth: 100_000,
  /** Engagement is reported per page; a day is more than any page is looked at. */
  maxEngagementMs: 24 * 60 * 60 * 1000,
  /** Event ids: long enough to be unguessable and unique, short enough to index cheaply. */
  minEventIdLength: 8,
  maxEventIdLength: 64,
} as const;
