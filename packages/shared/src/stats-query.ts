/**
 * The v1 stats API's vocabulary and query parameters (modelled on Plausible's Stats API v1).
 * These schemas validate requests on the server and generate the OpenAPI document.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { SiteIdSchema } from './site.js';

export const METRICS = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
] as const;
export type Metric = (typeof METRICS)[number];
/**
 * What a query may ask for: the metrics above, counted by the store, and conversion_rate, the
 * percent of visitors who completed a goal, which needs a goal filter or a goal breakdown.
 */
export const STATS_METRICS = [...METRICS, 'conversion_rate'] as const;
export type StatsMetric = (typeof STATS_METRICS)[number];

export const EVENT_PROPERTIES = ['event:page', 'event:name', 'event:hostname'] as const;
export const VISIT_PROPERTIES = [
  'visit:entry_page',
  'visit:exit_page',
  'visit:source',
  'visit:referrer',
  'visit:utm_source',
  'visit:utm_medium',
  'visit:utm_campaign',
  'visit:utm_term',
  'visit:utm_content',
  'visit:country',
  'visit:browser',
  'visit:os',
  'visit:device',
] as const;
export const PROP_PREFIX = 'event:props:';
export type EventPropertyName = (typeof EVENT_PROPERTIES)[number];
export type VisitPropertyName = (typeof VISIT_PROPERTIES)[number];
export type PropertyName = EventPropertyName | VisitPropertyName | `event:props:${string}`;
/** Goals (shared/src/goals.ts): filtered on with `==` and broken down by, as in Plausible. */
export const GOAL_PROPERTY = 'event:goal';
export type QueryPropertyName = PropertyName | typeof GOAL_PROPERTY;

export const PERIODS = ['day', '7d', '30d', 'month', '6mo', '12mo', 'custom', '30m'] as const;
export type Period = (typeof PERIODS)[number];
export const INTERVALS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** `==` equals (with `*` as a wildcard), `!=` equals none, `~` contains, `!~` contains none. */
export const FILTER_OPERATORS = ['==', '!=', '~', '!~'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface ParsedFilter {
  property: QueryPropertyName;
  operator: FilterOperator;
  /** Any of these (`|` in the parameter). */
  values: string[];
}

/** A timeseries may not have more buckets than a 25-hour day has minutes. */
export const MAX_BUCKETS = 1500;
export const MAX_BREAKDOWN_LIMIT = 1000;
const MAX_FILTERS = 20;
const MAX_FILTER_VALUES = 50;
const PROP_KEY_PATTERN = /^[^\s;|=!~\\"]+$/;

const allowed = (values: readonly string[]) => values.join(', ');
const PROPERTY_HELP = `${allowed([...EVENT_PROPERTIES, GOAL_PROPERTY, ...VISIT_PROPERTIES])} or ${PROP_PREFIX}<key>`;

export const isQueryPropertyName = (value: string): value is QueryPropertyName => value === GOAL_PROPERTY || isPropertyName(value);

export function isPropertyName(value: string): value is PropertyName {
  if ((EVENT_PROPERTIES as readonly string[]).includes(value)) return true;
  if ((VISIT_PROPERTIES as readonly string[]).includes(value)) return true;
  if (!value.startsWith(PROP_PREFIX)) return false;
  const key = value.slice(PROP_PREFIX.length);
  return key.length > 0 && key.length <= LIMITS.maxPropKeyLength && PROP_KEY_PATTERN.test(key);
}

/** Splits on an unescaped separator and removes the escapes (`\;`, `\|`, `\\`). */
function splitEscaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

const unescape = (text: string) => text.replace(/\\(.)/g, '$1');

/** Parses one `property<op>value|value` clause; returns a message naming what is wrong. */
function parseClause(clause: string): ParsedFilter | string {
  const match = /^(.*?)(==|!=|!~|~)(.*)$/s.exec(clause);
  if (match === null) {
    return `"${clause}" has no operator; use property==value, !=, ~ (contains) or !~ (does not contain)`;
  }
  const [, property = '', operator, rest = ''] = match;
  if (!isQueryPropertyName(property)) return `unknown property "${property}"; allowed: ${PROPERTY_HELP}`;
  if (property === GOAL_PROPERTY && operator !== '==') return `${GOAL_PROPERTY} takes only == (one goal, or several joined by |)`;
  const values = splitEscaped(rest, '|').map(unescape);
  if (values.some((value) => value.length === 0)) return `"${clause}" has an empty value`;
  // MongoDB refuses a NUL inside a regular expression; refused in every value, both stores answer alike.
  if (values.some((value) => value.includes('\u0000'))) return `"${property}" has a value with a NUL character (%00); filter values may not contain one`;
  if (values.length > MAX_FILTER_VALUES) return `"${property}" has more than ${MAX_FILTER_VALUES} values`;
  return { property, operator: operator as FilterOperator, values };
}

/** `filters=event:page==/blog/*;visit:country!=DE`: clauses joined by `;` all hold (AND). */
export function parseFilters(text: string): ParsedFilter[] | string {
  if (text.trim() === '') return [];
  const clauses = splitEscaped(text, ';').filter((clause) => clause.trim() !== '');
  if (clauses.length > MAX_FILTERS) return `at most ${MAX_FILTERS} filters`;
  const filters: ParsedFilter[] = [];
  for (const clause of clauses) {
    const parsed = parseClause(clause.trim());
    if (typeof parsed === 'string') return parsed;
    filters.push(parsed);
  }
  if (filters.filter((filter) => filter.property === GOAL_PROPERTY).length > 1) return `at most one ${GOAL_PROPERTY} filter; list several goals with |`;
  return filters;
}

/** Query parameters arrive as text; a parameter given twice arrives as a list and is refused. */
const single = (name: string) =>
  z.string({
    error: (issue) =>
      issue.code !== 'invalid_type' ? undefined : issue.input === undefined ? `${name} is required` : `${name} must be given once`,
  });

const MAX_FILTERS_LENGTH = 4000;

const FiltersParam = single('filters')
  .max(MAX_FILTERS_LENGTH, `filters must be at most ${MAX_FILTERS_LENGTH} characters`)
  .transform((text, ctx) => {
    const parsed = parseFilters(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({
    description:
      'Clauses joined by `;` (all must hold). Each is `property==v` (equals; `*` matches any characters), ' +
      '`property!=v` (equals none), `property~v` (contains) or `property!~v` (contains none); `v1|v2` means any of them. ' +
      'Escape `;`, `|` and `\\` with a backslash. Example: `event:page==/blog/*;visit:country!=DE`.',
    example: 'event:page==/blog/*;visit:country!=DE',
  });

const MetricsParam = single('metrics')
  .transform((text, ctx) => {
    const names = text.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !(STATS_METRICS as readonly string[]).includes(name));
    if (unknown.length > 0 || names.length === 0) {
      ctx.addIssue({ code: 'custom', message: `unknown metric "${unknown.join(', ')}"; allowed: ${allowed(STATS_METRICS)}` });
      return z.NEVER;
    }
    // A set in a fixed order, so `pageviews,visitors` and `visitors,pageviews` are one query.
    return STATS_METRICS.filter((metric) => names.includes(metric));
  })
  .meta({
    description: `Comma-separated, any of: ${allowed(STATS_METRICS)}. conversion_rate needs an ${GOAL_PROPERTY} filter or breakdown.`,
    example: 'visitors,pageviews,bounce_rate',
  });

const enumParam = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `${name} is required`
        : Array.isArray(issue.input)
          ? `${name} must be given once`
          : `${name} must be one of: ${allowed(values)}`,
  });

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isRealDay = (day: string) => {
  if (!DAY.test(day)) return false;
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
};

/** `date=YYYY-MM-DD` (the day periods end on) or, with `period=custom`, `date=YYYY-MM-DD,YYYY-MM-DD`. */
const DateParam = single('date')
  .refine((text) => text.split(',').length <= 2 && text.split(',').every(isRealDay), {
    message: 'date must be YYYY-MM-DD, or YYYY-MM-DD,YYYY-MM-DD with period=custom',
  })
  .meta({
    description:
      'The reference day of the period in the site\'s time zone (default: today), or with `period=custom` the first and last day, inclusive.',
    example: '2026-11-01,2026-11-28',
  });

export const CommonShape = {
  site_id: SiteIdSchema.meta({ description: 'The site\'s domain, as registered.', example: 'localhost' }),
  period: enumParam('period', PERIODS)
    .default('30d')
    .meta({
      description:
        '`day` (the reference day), `7d`/`30d` (the 7 or 30 days ending on the reference day), `month` (its calendar month), ' +
        '`6mo`/`12mo` (its month and the 5 or 11 before), `custom` (with `date=from,to`), `30m` (the last 30 minutes).',
    }),
  date: DateParam.optional(),
  filters: FiltersParam.optional(),
};

/** Names the parameters a query may have when it has one more. */
export const knownParameters = (shape: Record<string, unknown>) => ({
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown parameter ${(issue.keys as string[]).map((key) => `"${key}"`).join(', ')}; allowed: ${Object.keys(shape).join(', ')}`
      : undefined,
});

export function checkDates(query: { period: Period; date?: string | undefined }, ctx: z.core.$RefinementCtx): void {
  const parts = query.date?.split(',');
  if (query.period === 'custom') {
    if (parts?.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'period=custom needs date=YYYY-MM-DD,YYYY-MM-DD' });
    } else if (parts[0]! > parts[1]!) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'date: the first day must not be after the last' });
    }
  } else if (parts !== undefined && parts.length !== 1) {
    ctx.addIssue({ code: 'custom', path: ['date'], message: 'date takes two days only with period=custom' });
  }
}

const AggregateShape = {
  ...CommonShape,
  metrics: MetricsParam.default(['visitors']),
  compare: enumParam('compare', ['previous_period'])
    .optional()
    .meta({ description: 'Adds each metric\'s change against the period of equal length just before.' }),
};
export const AggregateQuerySchema = z.strictObject(AggregateShape, knownParameters(AggregateShape)).superRefine(checkDates);
export type AggregateQuery = z.infer<typeof AggregateQuerySchema>;

const TimeseriesShape = {
  ...CommonShape,
  metrics: MetricsParam.default(['visitors']),
  interval: enumParam('interval', INTERVALS)
    .optional()
    .meta({ description: 'Bucket size; by default minute for 30m, hour for day, month for 6mo and 12mo, otherwise day.' }),
};
export const TimeseriesQuerySchema = z.strictObject(TimeseriesShape, knownParameters(TimeseriesShape)).superRefine(checkDates);
export type TimeseriesQuery = z.infer<typeof TimeseriesQuerySchema>;

const PropertyParam = single('property')
  .refine(isQueryPropertyName, { message: `property must be one of: ${PROPERTY_HELP}` })
  .transform((name) => name as QueryPropertyName)
  .meta({ description: `What to group by: ${PROPERTY_HELP}.`, example: 'event:page' });

const positiveInt = (name: string, max: number) =>
  single(name)
    .regex(/^\d+$/, `${name} must be a whole number from 1 to ${max}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `${name} must be a whole number from 1 to ${max}`);

const BreakdownShape = {
  ...CommonShape,
  property: PropertyParam,
  metrics: MetricsParam.default(['visitors']),
  limit: positiveInt('limit', MAX_BREAKDOWN_LIMIT)
    .default(100)
    .meta({ description: `Rows per page, 1 to ${MAX_BREAKDOWN_LIMIT}.` }),
  page: positiveInt('page', 1_000_000)
    .default(1)
    .meta({ description: 'Which page of rows, from 1.' }),
};
/** A row holds the prop's value under the prop's key next to each metric: the two must not share a name. */
function checkRowKeys(query: { property: QueryPropertyName; metrics: readonly StatsMetric[] }, ctx: z.core.$RefinementCtx): void {
  if (!query.property.startsWith(PROP_PREFIX)) return;
  const key = query.property.slice(PROP_PREFIX.length);
  if (!(query.metrics as readonly string[]).includes(key)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['property'],
    message: `the prop "${key}" has the name of the metric ${key}, and a row cannot hold both; leave ${key} out of metrics or break down by another property`,
  });
}

export const BreakdownQuerySchema = z
  .strictObject(BreakdownShape, knownParameters(BreakdownShape))
  .superRefine(checkDates)
  .superRefine(checkRowKeys);
export type BreakdownQuery = z.infer<typeof BreakdownQuerySchema>;

const RealtimeShape = { site_id: CommonShape.site_id };
export const RealtimeQuerySchema = z.strictObject(RealtimeShape, knownParameters(RealtimeShape));
export type RealtimeQuery = z.infer<typeof RealtimeQuerySchema>;

const MetricNumber = z.number().meta({
  description:
    'visitors, visits, pageviews and events are counts; bounce_rate a whole percentage; visit_duration whole seconds; views_per_visit has two decimals; conversion_rate a percentage with one decimal.',
});

export const AggregateResponseSchema = z.object({
  results: z.partialRecord(
    z.enum(STATS_METRICS),
    z.object({
      value: MetricNumber,
      change: z
        .number()
        .optional()
        .meta({
          description:
            'With compare=previous_period: percent change as a whole number (100 when the previous value was 0), for bounce_rate the difference in points.',
        }),
    }),
  ),
});
export type AggregateResponse = z.infer<typeof AggregateResponseSchema>;

export const TimeseriesResponseSchema = z.object({
  results: z.array(
    z.intersection(
      z.object({
        date: z.string().meta({
          description:
            'Start of the bucket in the site\'s time zone: YYYY-MM-DD for day, week and month, YYYY-MM-DD HH:mm:ss for hour and minute.',
        }),
      }),
      z.partialRecord(z.enum(STATS_METRICS), MetricNumber),
    ),
  ),
});
export type TimeseriesResponse = z.infer<typeof TimeseriesResponseSchema>;

export const BreakdownResponseSchema = z.object({
  results: z.array(
    z
      .record(z.string(), z.union([z.string(), z.number(), z.null()]))
      .meta({
        description:
          'The property\'s value under its short name (`page`, `source`, `country`, or the prop key for event:props:<key>; null when missing), and one number per metric.',
      }),
  ),
});
export type BreakdownResponse = z.infer<typeof BreakdownResponseSchema>;

export const RealtimeResponseSchema = z.number().int().meta({ description: 'Visitors seen in the last 5 minutes.' });
