/**
 * The ingest payload: what the tracker (or anyone with curl) sends to POST /api/event.
 * The schema is the single source of truth; the TypeScript type is inferred from it.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { fromPlausibleBeacon, isPlausibleBeacon } from './plausible-beacon.js';
import { SiteIdSchema } from './site.js';

export const PAGEVIEW = 'pageview';
/** Sent by the tracker when a page is hidden, carrying the time it was looked at. */
export const ENGAGEMENT = 'engagement';

/**
 * Text with half of a UTF-16 surrogate pair cannot be written as UTF-8: stores would keep
 * replacement characters instead of what was sent, so the sender is told.
 */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = <S extends z.ZodString>(schema: S) =>
  schema.refine((text) => !LONE_SURROGATE.test(text), 'must not contain a lone UTF-16 surrogate');

const PropValueSchema = z.union([
  wellFormed(z.string().max(LIMITS.maxPropValueLength)),
  z.number().finite(),
  z.boolean(),
]);

/**
 * A record parser drops a `__proto__` key without a word; the sender is told instead,
 * so nothing a client sends disappears silently.
 */
function rejectProtoKey(value: unknown, ctx: z.core.$RefinementCtx) {
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
    ctx.addIssue({ code: 'custom', message: '__proto__ is not allowed as a prop name' });
  }
  return value;
}

const PropsSchema = z.preprocess(
  rejectProtoKey,
  z
    .record(wellFormed(z.string().min(1).max(LIMITS.maxPropKeyLength)), PropValueSchema)
    .refine((props) => Object.keys(props).length <= LIMITS.maxProps, {
      message: `at most ${LIMITS.maxProps} props`,
    }),
);

const HttpUrlSchema = z
  .string()
  .max(LIMITS.maxUrlLength)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an absolute http(s) URL');

const EventIdSchema = z
  .string()
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .min(LIMITS.minEventIdLength)
  .max(LIMITS.maxEventIdLength);

/**
 * Fields the schema does not know are dropped, never stored: a tracker newer than its server
 * must not have every event refused for a field the server has not learnt yet.
 */
export const EventPayloadSchema = z.object({
  site: SiteIdSchema,
  name: wellFormed(z.string().trim().min(1).max(LIMITS.maxEventNameLength)).default(PAGEVIEW),
  url: HttpUrlSchema,
  referrer: z.string().max(LIMITS.maxReferrerLength).nullish(),
  screen_width: z.number().int().min(0).max(LIMITS.maxScreenWidth).nullish(),
  props: PropsSchema.optional(),
  user_id: wellFormed(z.string().min(1).max(LIMITS.maxUserIdLength)).optional(),
  engagement_ms: z.number().int().min(0).max(LIMITS.maxEngagementMs).optional(),
  /** Chosen by the sender; an event sent again with the same id (a retry) is counted once. */
  id: EventIdSchema.optional(),
});

export type EventPayload = z.infer<typeof EventPayloadSchema>;
export type EventPayloadInput = z.input<typeof EventPayloadSchema>;

/**
 * One-letter keys the tracker sends to keep its bundle and beacons small.
 * The server accepts either spelling; this table is the only place the short names are defined.
 */
export const WIRE_KEYS = {
  s: 'site',
  n: 'name',
  u: 'url',
  r: 'referrer',
  w: 'screen_width',
  p: 'props',
  i: 'user_id',
  e: 'engagement_ms',
  x: 'id',
} as const satisfies Record<string, keyof EventPayload>;

type WireKey = keyof typeof WIRE_KEYS;

/** The payload as the tracker puts it on the wire. */
export type WirePayload = { [K in WireKey]?: EventPayloadInput[(typeof WIRE_KEYS)[K]] };

/** Rewrites short keys to their long names. Where a body spells a field both ways, the long key wins. */
export function expandWireKeys(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const expanded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const long = Object.hasOwn(WIRE_KEYS, key) ? WIRE_KEYS[key as WireKey] : undefined;
    if (long !== undefined && !Object.hasOwn(body, long)) {
      expanded[long] = value;
    } else {
      Object.defineProperty(expanded, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return expanded;
}

/** Parses a decoded JSON body in either spelling, or Plausible's beacon. */
export function parseEventPayload(body: unknown) {
  const plausible = body !== null && typeof body === 'object' && !Array.isArray(body) && isPlausibleBeacon(body);
  return EventPayloadSchema.safeParse(plausible ? fromPlausibleBeacon(body as Record<string, unknown>) : expandWireKeys(body));
}

/** The body of the seed-compatible POST /track; unknown fields are dropped, as for events. */
export const TrackRequestSchema = z.object({
  page_id: z.string().trim().min(1).max(LIMITS.maxUrlLength),
  user_id: z.string().min(1).max(LIMITS.maxUserIdLength).optional(),
});
export type TrackRequest = z.infer<typeof TrackRequestSchema>;
