/**
 * Goals and funnels, as the Sites API (modelled on Plausible's) takes and answers them, and the
 * funnel endpoint of the Stats API. A goal is a custom event's name, or a page path pattern in
 * which `*` stands for any characters; its display name is the event's name, or `Visit <path>`.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { SiteIdSchema } from './site.js';
import { checkDates, CommonShape, knownParameters } from './stats-query.js';

export const GOAL_TYPES = ['event', 'page'] as const;
export type GoalType = (typeof GOAL_TYPES)[number];

/** The prefix that makes a goal's display name a page goal, as in Plausible. */
export const PAGE_GOAL_PREFIX = 'Visit ';
export const MIN_FUNNEL_STEPS = 2;
export const MAX_FUNNEL_STEPS = 8;
export const MAX_GOALS_PER_SITE = 100;
export const MAX_FUNNELS_PER_SITE = 100;
const MAX_FUNNEL_NAME_LENGTH = 120;

export interface GoalDefinition {
  type: GoalType;
  /** The event's name, or the page path pattern. */
  value: string;
}

export const goalDisplayName = (goal: GoalDefinition) => (goal.type === 'page' ? `${PAGE_GOAL_PREFIX}${goal.value}` : goal.value);

/** A display name back to its definition: `Visit /x` is a page goal, anything else a custom event's name. */
export const goalOfDisplayName = (name: string): GoalDefinition =>
  name.startsWith(PAGE_GOAL_PREFIX) && name.length > PAGE_GOAL_PREFIX.length
    ? { type: 'page', value: name.slice(PAGE_GOAL_PREFIX.length) }
    : { type: 'event', value: name };

const text = (name: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a string`) })
    .trim()
    .min(1, `${name} must not be empty`)
    .max(max, `${name} must be at most ${max} characters`)
    .refine((value) => !value.includes('\u0000'), `${name} must not contain a NUL character`);

const EventNameField = text('event_name', LIMITS.maxEventNameLength)
  .refine((name) => name !== 'pageview' && name !== 'engagement', 'event_name: pageview and engagement are not custom events; use goal_type page for pages')
  .refine((name) => !name.includes('*'), 'event_name must not contain *; a custom event goal names one event')
  .refine((name) => !name.startsWith(PAGE_GOAL_PREFIX), `event_name must not start with "${PAGE_GOAL_PREFIX}", which names page goals`);
const PagePathField = text('page_path', LIMITS.maxUrlLength).refine((path) => path.startsWith('/'), 'page_path must start with /');

export const CreateGoalRequestSchema = z.discriminatedUnion(
  'goal_type',
  [
    z.strictObject({ site_id: SiteIdSchema, goal_type: z.literal('event'), event_name: EventNameField }),
    z.strictObject({ site_id: SiteIdSchema, goal_type: z.literal('page'), page_path: PagePathField }),
  ],
  { error: () => 'goal_type must be event (with event_name) or page (with page_path)' },
);
export type CreateGoalRequest = z.infer<typeof CreateGoalRequestSchema>;

export const GoalSchema = z.object({
  id: z.number().int(),
  display_name: z.string(),
  goal_type: z.enum(GOAL_TYPES),
  event_name: z.string().nullable(),
  page_path: z.string().nullable(),
});
export type Goal = z.infer<typeof GoalSchema>;

export const GoalListSchema = z.object({ goals: z.array(GoalSchema) });

/** Where a site's goals or funnels are listed: `?site_id=`. */
export const SiteQuerySchema = z.strictObject({ site_id: SiteIdSchema }, knownParameters({ site_id: null }));

/** A step names a goal by its display name (`Signup`, `Visit /pricing`) or by its id. */
const FunnelStep = z.union([z.number().int().positive(), text('step', LIMITS.maxUrlLength + PAGE_GOAL_PREFIX.length)], {
  error: () => 'each step must be a goal\'s display name or id',
});

export const CreateFunnelRequestSchema = z.strictObject({
  site_id: SiteIdSchema,
  name: text('name', MAX_FUNNEL_NAME_LENGTH),
  steps: z
    .array(FunnelStep, { error: () => 'steps must be a list of goals' })
    .min(MIN_FUNNEL_STEPS, `a funnel has ${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps`)
    .max(MAX_FUNNEL_STEPS, `a funnel has ${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps`),
});
export type CreateFunnelRequest = z.infer<typeof CreateFunnelRequestSchema>;

export const FunnelSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  steps: z.array(GoalSchema),
});
export type Funnel = z.infer<typeof FunnelSchema>;

export const FunnelListSchema = z.object({ funnels: z.array(FunnelSchema) });

/** Deleting names the site in the query (`?site_id=`) or, as Plausible's API does, in a JSON body. */
export const DeleteRequestSchema = z.strictObject({ site_id: SiteIdSchema });

const FunnelShape = {
  ...CommonShape,
  funnel: text('funnel', MAX_FUNNEL_NAME_LENGTH).meta({ description: 'The funnel\'s name or id.', example: 'Signup' }),
};
export const FunnelQuerySchema = z.strictObject(FunnelShape, knownParameters(FunnelShape)).superRefine(checkDates);
export type FunnelQuery = z.infer<typeof FunnelQuerySchema>;

export const FunnelStepResultSchema = z.object({
  goal: z.string().meta({ description: 'The step\'s goal, by display name.' }),
  visitors: z.number().int().meta({ description: 'Visitors who, within one visit, completed this step and every one before it in order.' }),
  conversion_rate: z.number().meta({ description: 'Percent of the first step\'s visitors, one decimal.' }),
  conversion_rate_step: z.number().meta({ description: 'Percent of the previous step\'s visitors, one decimal (100 for the first step).' }),
  dropoff: z.number().int().meta({ description: 'Visitors of the previous step who did not reach this one (0 for the first step).' }),
  dropoff_percentage: z.number().meta({ description: 'dropoff as a percent of the previous step\'s visitors, one decimal.' }),
});

export const FunnelResponseSchema = z.object({
  funnel: z.object({ id: z.number().int(), name: z.string() }),
  steps: z.array(FunnelStepResultSchema),
});
export type FunnelResponse = z.infer<typeof FunnelResponseSchema>;
