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

export const CreateSiteRequestSchema = z.strictObject({
  domain: SiteIdSchema,
  timezone: TimeZoneSchema.default('UTC'),
});
export type CreateSiteRequest = z.infer<typeof CreateSiteRequestSchema>;

export const SiteSchema = z.object({
  domain: z.string(),
  timezone: z.string(),
  created_at: z.string(),
});
export type Site = z.infer<typeof SiteSchema>;
