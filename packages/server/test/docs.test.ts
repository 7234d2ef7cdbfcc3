/** /openapi.json is generated from the shared schemas and lists every endpoint; /docs renders it. */
import request from 'supertest';
import { BreakdownQuerySchema, METRICS, PERIODS } from '@sightline/shared';
import { createTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with every endpoint', async () => {
    const response = await request(t.app).get('/openapi.json').expect(200).expect('Content-Type', /json/);
    const doc = response.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/event',
      '/api/sites',
      '/api/sites/{id}',
      '/api/sites/{id}/keys',
      '/api/sites/{id}/keys/{key}',
      '/api/stats',
      '/api/v1/stats/aggregate',
      '/api/v1/stats/breakdown',
      '/api/v1/stats/funnel',
      '/api/v1/stats/funnels',
      '/api/v1/stats/realtime/visitors',
      '/api/v1/stats/timeseries',
      '/stats',
      '/track',
    ]);
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
