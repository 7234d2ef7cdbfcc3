import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { BROWSER_UA, createTestApp, pageview, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp();
});

afterEach(async () => {
  await t.close();
});

function send(body: unknown, contentType = 'text/plain;charset=UTF-8', ua = BROWSER_UA) {
  return request(t.app)
    .post('/api/event')
    .set('User-Agent', ua)
    .set('Content-Type', contentType)
    .send(typeof body === 'string' ? body : JSON.stringify(body));
}

describe('POST /api/event', () => {
  it('stores a beacon sent as text/plain and answers 202 with no body', async () => {
    const response = await send(pageview({ url: 'https://example.com/pricing' }));
    expect(response.status).toBe(202);
    expect(response.text).toBe('');
    expect(await t.store.countEvents('example.com')).toBe(1);
  });

  it('accepts application/json and the tracker’s one-letter keys', async () => {
    await send(pageview(), 'application/json').expect(202);
    await send({ s: 'example.com', n: 'Signup', u: 'https://example.com/join', r: '', w: 390, p: { plan: 'pro' } }).expect(
      202,
    );
    expect(await t.store.countEvents('example.com')).toBe(2);
  });

  it('drops fields it does not know instead of refusing the event, and never stores them', async () => {
    await send(pageview({ admin: true, scroll_depth: 80, tracker_version: '9.0' })).expect(202);
    expect(await t.store.countEvents('example.com')).toBe(1);
    // The committed event is in the database or its write-ahead log; the dropped fields in neither.
    for (const file of readdirSync(t.dataDir)) {
      const bytes = readFileSync(path.join(t.dataDir, file));
      expect({ file, found: bytes.includes('tracker_version') || bytes.includes('scroll_depth') }).toEqual({ file, found: false });
    }
  });

  it("counts Plausible's own beacons, so a site moves by changing only the script's host", async () => {
    const plausibleScript = 'text/plain';
    await send({ n: 'pageview', v: 30, u: 'https://example.com/docs#intro', d: 'example.com', r: 'https://www.google.com/' }, plausibleScript).expect(202);
    await send({ n: 'Signup', v: 30, u: 'https://example.com/docs', d: 'example.com', r: 'https://www.google.com/', p: { plan: 'pro' }, i: false }, plausibleScript).expect(202);
    await send({ n: 'engagement', v: 30, u: 'https://example.com/docs', d: 'example.com', r: 'https://www.google.com/', sd: 80, e: 15_000 }, plausibleScript).expect(202);
    // Its Events API, from a back end that forwards the visitor's User-Agent.
    await send({ name: 'pageview', url: 'https://example.com/pricing', domain: 'example.com' }, 'application/json').expect(202);
    const stats = await request(t.app)
      .get('/api/v1/stats/aggregate')
      .query({ site_id: 'example.com', period: 'day', metrics: 'visitors,visits,pageviews,events,visit_duration,bounce_rate' })
      .expect(200);
    expect(stats.body.results).toEqual({
      visitors: { value: 1 },
      visits: { value: 1 },
      pageviews: { value: 2 },
      events: { value: 3 },
      visit_duration: { value: 15 },
      bounce_rate: { value: 0 },
    });
    const pages = await request(t.app).get('/api/v1/stats/breakdown').query({ site_id: 'example.com', period: 'day', property: 'event:page' }).expect(200);
    expect(pages.body.results).toEqual([{ page: '/docs', visitors: 1 }, { page: '/pricing', visitors: 1 }]);
    const sources = await request(t.app).get('/api/v1/stats/breakdown').query({ site_id: 'example.com', period: 'day', property: 'visit:source' }).expect(200);
    expect(sources.body.results).toEqual([{ source: 'Google', visitors: 1 }]);
    const plans = await request(t.app)
      .get('/api/v1/stats/breakdown')
      .query({ site_id: 'example.com', period: 'day', property: 'event:props:plan', metrics: 'events', filters: 'event:name==Signup' })
      .expect(200);
    expect(plans.body.results).toEqual([{ plan: 'pro', events: 1 }]);
  });

  it('lets any origin post without credentials', async () => {
    const preflight = await request(t.app)
      .options('/api/event')
      .set('Origin', 'https://blog.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    const response = await send(pageview()).set('Origin', 'https://blog.example.com');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    // Without it Chrome blocks the answer to a no-cors beacon from another origin.
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const rejected = await send('{', 'text/plain').set('Origin', 'https://blog.example.com');
    expect(rejected.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('answers bots like everyone else but keeps nothing', async () => {
    const googlebot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
    const crawled = await send(pageview(), 'text/plain', googlebot);
    expect(crawled.status).toBe(202);
    expect(crawled.headers['x-sightline-dropped']).toBe('bot');
    const curl = await send(pageview(), 'text/plain', 'curl/8.5.0');
    expect(curl.headers['x-sightline-dropped']).toBe('bot');
    expect(await t.store.countEvents('example.com')).toBe(0);
  });

  it('answers each waiting request only once its batch is committed', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(pageview({ url: `https://example.com/p/${i}` }))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(202));
    expect(await t.store.countEvents('example.com')).toBe(40);
  });
});

describe('POST /api/event with bad input', () => {
  const huge = JSON.stringify(pageview({ props: { blob: 'x'.repeat(9000) } }));
  const cases: Array<{ name: string; body: string; type?: string; status: number; error: RegExp }> = [
    { name: 'malformed JSON', body: '{"site":', status: 400, error: /not valid JSON/ },
    { name: 'an empty body', body: '', status: 400, error: /not valid JSON/ },
    { name: 'JSON that is not an object', body: '[1,2,3]', status: 400, error: /invalid event/ },
    { name: 'a missing url', body: JSON.stringify({ site: 'example.com' }), status: 400, error: /invalid event/ },
    { name: 'a url that is not http', body: JSON.stringify(pageview({ url: 'javascript:alert(1)' })), status: 400, error: /invalid event/ },
    { name: 'nested props', body: JSON.stringify(pageview({ props: { a: { b: 1 } } })), status: 400, error: /invalid event/ },
    { name: 'a __proto__ prop', body: '{"site":"example.com","url":"https://example.com/","props":{"__proto__":{"x":1}}}', status: 400, error: /invalid event/ },
    { name: 'too many props', body: JSON.stringify(pageview({ props: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, i])) })), status: 400, error: /invalid event/ },
    { name: 'a negative screen width', body: JSON.stringify(pageview({ screen_width: -1 })), status: 400, error: /invalid event/ },
    { name: 'a Mongo operator as the site', body: JSON.stringify(pageview({ site: { $gt: '' } })), status: 400, error: /invalid event/ },
    { name: 'an unregistered site', body: JSON.stringify(pageview({ site: 'nope.com', url: 'https://nope.com/' })), status: 404, error: /unknown site nope\.com/ },
    { name: 'a body over the limit', body: huge, status: 413, error: /too large/ },
    { name: 'form encoding', body: 'site=example.com', type: 'application/x-www-form-urlencoded', status: 415, error: /application\/json or text\/plain/ },
    { name: 'XML', body: '<event/>', type: 'application/xml', status: 415, error: /application\/json or text\/plain/ },
  ];

  it.each(cases)('$name → $status with a JSON error, nothing stored', async ({ body, type, status, error }) => {
    const response = await send(body, type ?? 'text/plain');
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.error).toMatch(error);
    expect(await t.store.countEvents('example.com')).toBe(0);
  });

  it('names the offending field', async () => {
    const response = await send(pageview({ url: 42 }));
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'url' })]));
  });

  it('answers 404 JSON for unknown routes', async () => {
    const response = await request(t.app).get('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error).toBeDefined();
  });
});
