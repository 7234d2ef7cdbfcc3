/** A site is identified by its domain, the way site owners already name it. */
import { z } from 'zod';
import { LIMITS } from './limits.js';

const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const SiteIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(LIMITS.maxSiteLength)
  .regex(DOMAIN_PATTERN, 'must be a domain name such as example.com');

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin');

const PublicFlag = z
  .boolean({ error: 'public must be true or false' })
  .meta({ description: 'Whether anyone may read the site\'s stats without a key.' });

export const CreateSiteRequestSchema = z.strictObject({
  domain: SiteIdSchema,
  timezone: TimeZoneSchema.default('UTC'),
  public: PublicFlag.default(false),
});
export type CreateSiteRequest = z.infer<typeof CreateSiteRequestSchema>;

export const UpdateSiteRequestSchema = z.strictObject({ public: PublicFlag });
export type UpdateSiteRequest = z.infer<typeof UpdateSiteRequestSchema>;

export const SiteSchema = z.object({
  domain: z.string(),
  timezone: z.string(),
  public: z.boolean(),
  created_at: z.string(),
});
export type Site = z.infer<typeof SiteSchema>;

/** `stats:read` reads a site's stats; `sites:admin` changes its settings and manages its keys. */
export const KEY_SCOPES = ['stats:read', 'sites:admin'] as const;
export type KeyScopeName = (typeof KEY_SCOPES)[number];

export const CreateKeyRequestSchema = z.strictObject({
  scopes: z
    .array(z.enum(KEY_SCOPES, { error: `scopes may hold: ${KEY_SCOPES.join(', ')}` }))
    .min(1, 'give at least one scope')
    .default(['stats:read']),
});
export type CreateKeyRequest = z.infer<typeof CreateKeyRequestSchema>;

export const ApiKeySchema = z.object({
  id: z.string(),
  site: z.string(),
  scopes: z.array(z.enum(KEY_SCOPES)),
  created_at: z.string(),
  last_used_at: z.string().nullable().meta({ description: 'When a request last got in with the key, to the minute; null if none has.' }),
});

export const CreatedKeySchema = ApiKeySchema.extend({
  key: z.string().meta({ description: 'The secret, shown this once: send it as Authorization: Bearer <key>.' }),
});
