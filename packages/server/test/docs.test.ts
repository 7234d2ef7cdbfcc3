/** /openapi.json is generated from the shared schemas and lists every endpoint; /docs renders it. */
import type { Express } from 'express';
import request from 'supertest';
import { BreakdownQuerySchema, METRICS, PERIODS } from '@sightline/shared';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every method and path of the API (under /api, and the first version's /stats and /track) as
 * the app routes them, read from Express's router stack, paths in OpenAPI's `{param}` form. The
 * CORS preflight (OPTIONS /api/event) is the browser's business, not an operation.
 */
function apiRoutes(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) =>
      layer.route === undefined ? walk(layer.handle?.stack ?? []) : Object.keys(layer.route.methods).map((method) => `${method} ${layer.route!.path}`),
    );
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack)
    .filter((route) => /^\w+ (\/api\/|\/stats$|\/track$)/.test(route) && !route.startsWith('options '))
    .map((route) => route.replace(/:(\w+)/g, '{$1}'));
}

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with every endpoint the server routes, and nothing else', async () => {
    const response = await request(t.app).get('/openapi.json').expect(200).expect('Content-Type', /json/);
    const doc = response.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(apiRoutes(t.app).sort());
    expect(documented).toEqual(
      expect.arrayContaining([
        'put /api/v1/sites/goals',
        'get /api/v1/sites/goals',
        'delete /api/v1/sites/goals/{id}',
        'put /api/v1/sites/funnels',
        'get /api/v1/sites/funnels',
        'delete /api/v1/sites/funnels/{id}',
      ]),
    );
  });

  it('describes the goals and funnels of the Sites API: bodies, parameters, answers and the key they take', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    const put = doc.paths['/api/v1/sites/goals'].put;
    expect(put.security).toEqual([{ bearer: [] }]);
    const kinds = put.requestBody.content['application/json'].schema.oneOf as Array<{ required: string[] }>;
    expect(kinds.map((kind) => kind.required)).toEqual([
      ['site_id', 'goal_type', 'event_name'],
      ['site_id', 'goal_type', 'page_path'],
    ]);
    expect(Object.keys(put.responses)).toEqual(['200', '400', '401', '403', '404', '409']);
    const listed = doc.paths['/api/v1/sites/funnels'].get;
    expect(listed.parameters).toEqual([expect.objectContaining({ name: 'site_id', in: 'query', required: true })]);
    expect(listed.responses['200'].content['application/json'].schema.properties.funnels.type).toBe('array');
    const remove = doc.paths['/api/v1/sites/goals/{id}'].delete;
    expect(remove.parameters.map((p: { name: string; in: string }) => `${p.in} ${p.name}`)).toEqual(['path id', 'query site_id']);
    expect(remove.requestBody.required).toBe(false);
    expect(Object.keys(remove.responses)).toEqual(['200', '400', '401', '403', '404', '409']);
    expect(Object.keys(doc.paths['/api/v1/sites/funnels/{id}'].delete.responses)).toEqual(['200', '400', '401', '403', '404']);
    expect(doc.paths['/api/v1/sites/funnels'].put.requestBody.content['application/json'].schema.required).toEqual(['site_id', 'name', 'steps']);
  });

  it('lists every query parameter of the schemas, with allowed values', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    const parameters = doc.paths['/api/v1/stats/breakdown'].get.parameters as Array<{ name: string; required: boolean; schema: { enum?: string[] }; description?: string }>;
    expect(parameters.map((p) => p.name)).toEqual(Object.keys(BreakdownQuerySchema.shape));
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p]));
    expect(byName.site_id!.required).toBe(true);
    expect(byName.property!.required).toBe(true);
    expect(byName.period!.required).toBe(false);
    expect(byName.period!.schema.enum).toEqual([...PERIODS]);
    for (const metric of METRICS) expect(byName.metrics!.description).toContain(metric);
    expect(byName.filters!.description).toContain('`property~v` (contains)');
    const aggregate = doc.paths['/api/v1/stats/aggregate'].get;
    expect(aggregate.parameters.map((p: { name: string }) => p.name)).toContain('compare');
    expect(Object.keys(aggregate.responses)).toEqual(['200', '400', '401', '403', '404', '429']);
  });
});

describe('GET /docs', () => {
  it('serves Swagger UI from this server, started by a script file the CSP allows', async () => {
    const page = await request(t.app).get('/docs').expect(200).expect('Content-Type', /html/);
    expect(page.text).not.toMatch(/<script>(?!<)/);
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    await request(t.app).get('/docs/assets/swagger-ui-bundle.js').expect(200).expect('Content-Type', /javascript/);
    await request(t.app).get('/docs/assets/swagger-ui.css').expect(200).expect('Content-Type', /css/);
    const start = await request(t.app).get('/docs/start.js').expect(200);
    expect(start.text).toContain("url: '/openapi.json'");
    await request(t.app).get('/docs/assets/index.html').expect(404);
  });
});
