/**
 * The OpenAPI 3.1 document, generated from the shared zod schemas (OpenAPI 3.1 schemas are
 * JSON Schema 2020-12, which z.toJSONSchema writes), so the docs cannot drift from what the
 * server validates.
 */
import {
  AggregateQuerySchema,
  AggregateResponseSchema,
  ApiKeySchema,
  BreakdownQuerySchema,
  BreakdownResponseSchema,
  CreatedKeySchema,
  CreateFunnelRequestSchema,
  CreateGoalRequestSchema,
  CreateKeyRequestSchema,
  CreateSiteRequestSchema,
  DeleteRequestSchema,
  ErrorResponseSchema,
  FunnelListSchema,
  FunnelQuerySchema,
  FunnelResponseSchema,
  FunnelSchema,
  EventPayloadSchema,
  GoalListSchema,
  GoalSchema,
  MAX_FUNNEL_STEPS,
  MAX_FUNNELS_PER_SITE,
  MAX_GOALS_PER_SITE,
  MIN_FUNNEL_STEPS,
  RealtimeQuerySchema,
  RealtimeResponseSchema,
  SeedStatsQuerySchema,
  SeedStatsResponseSchema,
  SiteQuerySchema,
  SiteSchema,
  SummaryQuerySchema,
  SummaryResponseSchema,
  TimeseriesQuerySchema,
  TimeseriesResponseSchema,
  TrackRequestSchema,
  UpdateSiteRequestSchema,
} from '@sightline/shared';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
};

/** One query parameter per field of a query schema; optional when the field accepts its absence. */
function queryParameters(schema: z.ZodObject): JsonSchema[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const fieldSchema = schemaOf(field as z.ZodType, 'input');
    const { description, example, ...rest } = fieldSchema;
    return {
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      ...(example === undefined ? {} : { example }),
      schema: rest,
    };
  });
}

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema: schemaOf(schema, 'output') } },
});

const error = (description: string) => json(ErrorResponseSchema, description);

const READ_ERRORS = {
  '400': error('A parameter is invalid: `details` names it and the values it allows.'),
  '401': error('The site is not public and no valid key was sent.'),
  '403': error('The key belongs to another site or lacks the stats:read scope.'),
  '404': error('No such site.'),
  '429': error('Too many requests; see Retry-After.'),
};

const CACHED = {
  'X-Cache': { description: '`hit` when served from the cache, `miss` when computed.', schema: { type: 'string', enum: ['hit', 'miss'] } },
  'Cache-Control': { description: 'A few seconds for ranges that include now, an hour for closed ones.', schema: { type: 'string' } },
  ETag: { description: 'Send it back as If-None-Match for a 304.', schema: { type: 'string' } },
};

function statsRead(summary: string, description: string, query: z.ZodObject, response: z.ZodType, cached = true) {
  return {
    get: {
      tags: ['Stats'],
      summary,
      description,
      security: [{}, { bearer: [] }],
      parameters: queryParameters(query),
      responses: {
        '200': { ...json(response, 'The answer.'), ...(cached ? { headers: CACHED } : {}) },
        ...READ_ERRORS,
      },
    },
  };
}

const siteIdParameter = { name: 'id', in: 'path', required: true, description: 'The site\'s domain.', schema: { type: 'string' } };

const SITE_ADMIN_ERRORS = {
  '401': error('No valid key.'),
  '403': error('A key of another site or without sites:admin.'),
};

const jsonBody = (schema: z.ZodType, required = true) => ({ required, content: { 'application/json': { schema: schemaOf(schema, 'input') } } });

/** An operation of the Sites API's goals and funnels, which take what every site change takes. */
function siteAdmin(summary: string, description: string, operation: Record<string, unknown>) {
  return { tags: ['Sites'], summary, security: [{ bearer: [] }], description: `Takes the ADMIN_TOKEN or a sites:admin key of the site. ${description}`, ...operation };
}

/** DELETE /api/v1/sites/{goals,funnels}/{id}: the id in the path, the site in the query or, as Plausible's API takes it, in the body. */
function deleteDefinition(what: 'goal' | 'funnel', description: string, conflict?: string) {
  const [site] = queryParameters(SiteQuerySchema);
  return siteAdmin(`Delete a ${what}`, description, {
    parameters: [
      { name: 'id', in: 'path', required: true, description: `The ${what}'s id, as listed.`, schema: { type: 'integer', minimum: 1 } },
      { ...site, required: false, description: 'The site\'s domain; or send it as `{"site_id"}` in a JSON body.' },
    ],
    requestBody: jsonBody(DeleteRequestSchema, false),
    responses: {
      '200': json(z.object({ deleted: z.literal(true) }), 'Deleted.'),
      '400': error('The id is not a whole number from 1, or no site_id was sent.'),
      ...SITE_ADMIN_ERRORS,
      '404': error(`No such site, or the site has no ${what} with that id.`),
      ...(conflict === undefined ? {} : { '409': error(conflict) }),
    },
  });
}

export function openApiDocument(publicUrl: string): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline API',
      version: '1',
      description:
        'Privacy-friendly web analytics. The stats endpoints follow Plausible\'s Stats API v1. ' +
        'Public sites are readable without a key; otherwise send `Authorization: Bearer <key>` with a key of the site ' +
        '(`sightline key add <site>` or POST /api/sites/{id}/keys).',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A site API key, or the operator\'s ADMIN_TOKEN.' } },
    },
    paths: {
      '/api/v1/stats/aggregate': statsRead(
        'Metrics over a period',
        'Each requested metric over the period, with `change` against the previous period when `compare=previous_period`.',
        AggregateQuerySchema,
        AggregateResponseSchema,
      ),
      '/api/v1/stats/timeseries': statsRead(
        'Metrics per interval',
        'One row per minute, hour, day, ISO week or month of the period in the site\'s time zone; empty buckets are zeros.',
        TimeseriesQuerySchema,
        TimeseriesResponseSchema,
      ),
      '/api/v1/stats/breakdown': statsRead(
        'Metrics per value of a property',
        'Rows sorted by the first requested metric (in the order visitors, visits, pageviews, views_per_visit, bounce_rate, visit_duration, events), descending, then by value.',
        BreakdownQuerySchema,
        BreakdownResponseSchema,
      ),
      '/api/v1/stats/funnel': statsRead(
        'Visitors per step of a funnel',
        'A visitor counts at a step when, within one visit, they completed it and every step before it in order. Define funnels with PUT /api/v1/sites/funnels or sightline funnel add.',
        FunnelQuerySchema,
        FunnelResponseSchema,
      ),
      '/api/v1/stats/funnels': statsRead(
        'The site\'s funnels',
        'Each funnel with its steps (goals), for whoever may read the site\'s stats.',
        SiteQuerySchema,
        FunnelListSchema,
        false,
      ),
      '/api/v1/stats/realtime/visitors': statsRead(
        'Visitors right now',
        'Distinct visitors with an event in the last five minutes.',
        RealtimeQuerySchema,
        RealtimeResponseSchema,
        false,
      ),
      '/api/stats': statsRead(
        'Pageviews, visitors and top pages over days',
        'The first stats endpoint, kept for existing scripts; the v1 endpoints answer more.',
        SummaryQuerySchema,
        SummaryResponseSchema,
      ),
      '/stats': {
        get: {
          tags: ['Stats'],
          summary: 'All-time totals of the default site',
          description: 'The first version\'s answer, for the configured default site only. Pages come a thousand per answer, by views: `page=2` for the next thousand.',
          parameters: queryParameters(SeedStatsQuerySchema),
          responses: {
            '200': json(SeedStatsResponseSchema, 'Totals overall and one page of the pages.'),
            '400': error('The page is not a whole number from 1.'),
            '404': error('No default site is configured.'),
          },
        },
      },
      '/api/event': {
        post: {
          tags: ['Ingest'],
          summary: 'Record a pageview or custom event',
          description: 'What the tracker sends. The body is JSON, sent as application/json or text/plain (sendBeacon).',
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(EventPayloadSchema, 'input') } } },
          responses: {
            '202': { description: 'Stored (or, with X-Sightline-Dropped, deliberately not stored, e.g. a bot).' },
            '400': error('The body is not a valid event.'),
            '404': error('The site is not registered.'),
            '413': error('The body is too large.'),
            '415': error('Unsupported content type.'),
            '429': error('Too many events from this client.'),
          },
        },
      },
      '/track': {
        post: {
          tags: ['Ingest'],
          summary: 'Record a page view of the default site',
          description: 'The first version\'s endpoint, kept for existing integrations.',
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(TrackRequestSchema, 'input') } } },
          responses: { '202': { description: 'Stored.' }, '400': error('Invalid body.'), '404': error('No default site is configured.') },
        },
      },
      '/api/sites': {
        post: {
          tags: ['Sites'],
          summary: 'Register a site',
          security: [{ bearer: [] }],
          description: 'Takes the ADMIN_TOKEN.',
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(CreateSiteRequestSchema, 'input') } } },
          responses: {
            '201': json(SiteSchema.extend({ snippet: z.string() }), 'The site, and the snippet to paste into its pages.'),
            '400': error('Invalid body.'),
            '401': error('Missing or wrong ADMIN_TOKEN.'),
            '409': error('The site exists already.'),
          },
        },
        get: {
          tags: ['Sites'],
          summary: 'List sites',
          security: [{ bearer: [] }],
          description: 'Takes the ADMIN_TOKEN.',
          responses: { '200': json(z.object({ sites: z.array(SiteSchema) }), 'Every site.'), '401': error('Missing or wrong ADMIN_TOKEN.') },
        },
      },
      '/api/sites/{id}': {
        patch: {
          tags: ['Sites'],
          summary: 'Change a site',
          security: [{ bearer: [] }],
          description: 'Takes the ADMIN_TOKEN or a sites:admin key of the site.',
          parameters: [siteIdParameter],
          requestBody: { required: true, content: { 'application/json': { schema: schemaOf(UpdateSiteRequestSchema, 'input') } } },
          responses: {
            '200': json(SiteSchema, 'The site as changed.'),
            '400': error('Invalid body.'),
            '401': error('No valid key.'),
            '403': error('A key of another site or without sites:admin.'),
            '404': error('No such site.'),
          },
        },
      },
      '/api/sites/{id}/keys': {
        post: {
          tags: ['Sites'],
          summary: 'Create an API key',
          security: [{ bearer: [] }],
          description:
            'Takes the ADMIN_TOKEN or a sites:admin key of the site. A key may create keys only with scopes it holds itself; the ADMIN_TOKEN may create any. ' +
            'The secret is in this answer only; the server keeps its SHA-256.',
          parameters: [siteIdParameter],
          requestBody: { required: false, content: { 'application/json': { schema: schemaOf(CreateKeyRequestSchema, 'input') } } },
          responses: {
            '201': json(CreatedKeySchema, 'The new key, with its secret.'),
            '400': error('Invalid body.'),
            '401': error('No valid key.'),
            '403': error('A key of another site or without sites:admin.'),
            '404': error('No such site.'),
          },
        },
        get: {
          tags: ['Sites'],
          summary: 'List a site\'s API keys',
          security: [{ bearer: [] }],
          description: 'Takes the ADMIN_TOKEN or a sites:admin key of the site. Secrets are never shown again.',
          parameters: [siteIdParameter],
          responses: {
            '200': json(z.object({ keys: z.array(ApiKeySchema) }), 'The keys, oldest first.'),
            '401': error('No valid key.'),
            '403': error('A key of another site or without sites:admin.'),
            '404': error('No such site.'),
          },
        },
      },
      '/api/v1/sites/goals': {
        put: siteAdmin('Add a goal', 'A custom event by name, or pageviews of paths matching a pattern in which `*` stands for any characters. Putting a goal the site has answers that goal.', {
          requestBody: jsonBody(CreateGoalRequestSchema),
          responses: {
            '200': json(GoalSchema, 'The goal.'),
            '400': error('Invalid body.'),
            ...SITE_ADMIN_ERRORS,
            '404': error('No such site.'),
            '409': error(`The site has the most goals it may have (${MAX_GOALS_PER_SITE}).`),
          },
        }),
        get: siteAdmin('List a site\'s goals', 'Oldest first.', {
          parameters: queryParameters(SiteQuerySchema),
          responses: { '200': json(GoalListSchema, 'The goals.'), '400': error('No valid site_id.'), ...SITE_ADMIN_ERRORS, '404': error('No such site.') },
        }),
      },
      '/api/v1/sites/goals/{id}': {
        delete: deleteDefinition('goal', 'A goal stays while a funnel has it as a step.', 'A funnel has the goal as a step: delete or redefine the funnel first.'),
      },
      '/api/v1/sites/funnels': {
        put: siteAdmin(
          'Define a funnel',
          `Its ${MIN_FUNNEL_STEPS} to ${MAX_FUNNEL_STEPS} steps are the site's goals, by display name (\`Signup\`, \`Visit /pricing\`) or id, in order. A funnel of the same name gets the new steps and keeps its id.`,
          {
            requestBody: jsonBody(CreateFunnelRequestSchema),
            responses: {
              '200': json(FunnelSchema, 'The funnel, with its steps.'),
              '400': error('Invalid body, a step that is none of the site\'s goals, or a goal as two steps.'),
              ...SITE_ADMIN_ERRORS,
              '404': error('No such site.'),
              '409': error(`The site has the most funnels it may have (${MAX_FUNNELS_PER_SITE}).`),
            },
          },
        ),
        get: siteAdmin('List a site\'s funnels', 'Oldest first, each with its steps.', {
          parameters: queryParameters(SiteQuerySchema),
          responses: { '200': json(FunnelListSchema, 'The funnels.'), '400': error('No valid site_id.'), ...SITE_ADMIN_ERRORS, '404': error('No such site.') },
        }),
      },
      '/api/v1/sites/funnels/{id}': {
        delete: deleteDefinition('funnel', 'Its goals stay.'),
      },
      '/api/sites/{id}/keys/{key}': {
        delete: {
          tags: ['Sites'],
          summary: 'Revoke an API key',
          security: [{ bearer: [] }],
          description: 'Takes the ADMIN_TOKEN or a sites:admin key of the site. The key is refused from the next request on, by every instance.',
          parameters: [siteIdParameter, { name: 'key', in: 'path', required: true, description: 'The key\'s id, as listed (key_…).', schema: { type: 'string' } }],
          responses: {
            '204': { description: 'Revoked.' },
            '401': error('No valid key.'),
            '403': error('A key of another site or without sites:admin.'),
            '404': error('No such site, or the site has no key with that id.'),
          },
        },
      },
    },
  };
}
