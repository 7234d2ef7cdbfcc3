/** Query and response shapes of the stats endpoints, shared by the server, the dashboard and the docs. */
import { z } from 'zod';
import { SiteIdSchema } from './site.js';

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day in the site's time zone, e.g. 2026-11-28. */
export const DaySchema = z
  .string()
  .regex(DAY_PATTERN, 'must be a date as YYYY-MM-DD')
  .refine((day) => {
    const parsed = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
  }, 'must be a real calendar date');

export const SummaryQuerySchema = z
  .strictObject({
    site: SiteIdSchema,
    from: DaySchema.optional(),
    to: DaySchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(10),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });
export type SummaryQuery = z.infer<typeof SummaryQuerySchema>;

export const PageCountSchema = z.object({
  page: z.string(),
  pageviews: z.number().int(),
  visitors: z.number().int(),
});
export type PageCount = z.infer<typeof PageCountSchema>;

export const SummaryResponseSchema = z.object({
  site: z.string(),
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  pageviews: z.number().int(),
  visitors: z.number().int(),
  top_pages: z.array(PageCountSchema),
});
export type SummaryResponse = z.infer<typeof SummaryResponseSchema>;

/** Pages per answer of GET /stats: a site with more pages is read page by page. */
export const SEED_PAGES_PER_ANSWER = 1000;

export const SeedStatsQuerySchema = z.strictObject({
  page: z.coerce.number({ message: 'page must be a whole number from 1' }).int('page must be a whole number from 1').min(1, 'page must be a whole number from 1').max(1_000_000).default(1),
});
export type SeedStatsQuery = z.infer<typeof SeedStatsQuerySchema>;

/** GET /stats, kept in the shape the first version of the API answered with. */
export const SeedStatsResponseSchema = z.object({
  total_views: z.number().int(),
  unique_visitors: z.number().int(),
  pages: z.array(
    z.object({
      page_id: z.string(),
      views: z.number().int(),
      unique_visitors: z.number().int(),
    }),
  ),
});
export type SeedStatsResponse = z.infer<typeof SeedStatsResponseSchema>;

/** Every error the API returns has this shape. */
export const ErrorResponseSchema = z.object({
  error: z.string(),
  details: z.unknown().optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;
