/** Security headers everywhere, CORS only where browsers on other origins must reach, and quiet logs. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { MemoryCache } from '../src/cache/memory-cache.js';
import { loadConfig } from '../src/config.js';
import { warnIfDefaultSiteIsPrivate } from '../src/sites/default-site.js';
import { registerSite } from '../src/sites/register-site.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { configProblems } from './support/config-problems.js';
import { ManualClock } from './support/manual-clock.js';
import { ADMIN_TOKEN, BROWSER_UA, createTestApp, pageview, type TestApp } from './support/test-app.js';

describe('headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const ORIGIN = 'https://somewhere-else.example';

  it('opens CORS on ingest and the script only', async () => {
    const preflight = await request(t.app).options('/api/event').set('Origin', ORIGIN).set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    const ingest = await request(t.app).post('/api/event').set('Origin', ORIGIN).set('Content-Type', 'text/plain').send(JSON.stringify(pageview()));
    expect(ingest.headers['access-control-allow-origin']).toBe('*');
    expect(ingest.headers['access-control-allow-credentials']).toBeUndefined();

    for (const url of ['/api/stats?site=example.com', '/stats', '/api/sites', '/healthz', '/api/v1/stats/aggregate?site_id=example.com']) {
      const response = await request(t.app).get(url).set('Origin', ORIGIN);
      expect({ url, cors: response.headers['access-control-allow-origin'] }).toEqual({ url, cors: undefined });
    }
  });

  it('sends helmet headers on successes and errors alike', async () => {
    for (const call of [
      request(t.app).get('/api/stats?site=example.com'),
      request(t.app).get('/api/stats?site=nope.org'),
      request(t.app).get('/no/such/route'),
    ]) {
      const response = await call;
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('answers ingest, accepted or refused, with a policy that allows nothing to load', async () => {
    for (const call of [
      request(t.app).post('/api/event').set('Content-Type', 'text/plain').send(JSON.stringify(pageview())),
      request(t.app).post('/api/event').set('Content-Type', 'text/plain').send('{'),
      request(t.app).post('/track').send({ page_id: 'home' }),
      request(t.app).post('/track').send({}),
    ]) {
      const response = await call;
      expect(response.status).not.toBe(500);
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('logs', () => {
  it('never contain client addresses, user agents, tokens or keys, even when requests fail', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-logs-'));
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    const config = loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN, DEMO: 'false', TRUST_PROXY: 'true' });
    const clock = new ManualClock('2026-11-28T12:00:00Z');
    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'NORMAL' });
    await registerSite(store, { domain: 'example.com', timezone: 'UTC' }, clock.now());
    const app = createApp({ config, store, cache: new MemoryCache(clock), clock, logger });
    const ip = '203.0.113.231';
    const key = 'sk_secret_key_value_0123456789abcdef';
    try {
      const send = () =>
        request(app).post('/api/event').set('X-Forwarded-For', ip).set('User-Agent', `${BROWSER_UA} LogMarker`).set('Content-Type', 'text/plain').send(JSON.stringify(pageview()));
      expect((await send()).status).toBe(202);
      await request(app).get('/api/sites').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      await request(app).get('/api/sites').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${key}`);
      await request(app).get('/api/v1/stats/aggregate?site_id=example.com').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${key}`);
      // A failing store is logged: the log line must still say nothing about who asked.
      await store.close();
      clock.advance(120_000);
      expect((await send()).status).toBe(503);
      expect((await request(app).get('/api/stats?site=example.com').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${key}`)).status).toBe(503);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const log = lines.join('');
    expect(log).toMatch(/store unavailable/);
    for (const secret of [ip, 'LogMarker', ADMIN_TOKEN, key]) expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
  });
});

describe('the first version’s endpoints and a private default site', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ publicSites: false, env: { DEFAULT_SITE: 'example.com' } });
  });
  afterAll(() => t.close());

  const key = async (scopes: string[]) =>
    (await request(t.app).post('/api/sites/example.com/keys').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ scopes }).expect(201)).body
      .key as string;

  it('reads GET /stats only with a stats:read key of the site or the admin token, as /api/stats', async () => {
    expect((await request(t.app).post('/track').send({ page_id: 'home' })).status).toBe(202);
    const anonymous = await request(t.app).get('/stats');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatch(/not public/);
    expect(JSON.stringify(anonymous.body)).not.toContain('home');
    expect((await request(t.app).get('/stats').set('Authorization', 'Bearer sl_made_up')).status).toBe(401);
    expect((await request(t.app).get('/stats').set('Authorization', `Bearer ${await key(['sites:admin'])}`)).status).toBe(403);
    const reader = await request(t.app).get('/stats').set('Authorization', `Bearer ${await key(['stats:read'])}`);
    expect(reader.status).toBe(200);
    expect(reader.body.pages).toEqual([{ page_id: 'home', views: 1, unique_visitors: 1 }]);
    expect((await request(t.app).get('/stats').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
  });

  it('warns at start-up when DEFAULT_SITE names a private site, and not for a public one', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_fields: object, message: string) => void warnings.push(message) };
    await warnIfDefaultSiteIsPrivate(t.store, 'example.com', logger as never);
    expect(warnings).toEqual([expect.stringMatching(/^DEFAULT_SITE example\.com is private: GET \/stats answers only with a stats:read key/)]);
    await t.store.updateSite('example.com', { public: true });
    await warnIfDefaultSiteIsPrivate(t.store, 'example.com', logger as never);
    await warnIfDefaultSiteIsPrivate(t.store, undefined, logger as never);
    expect(warnings).toHaveLength(1);
  });
});

describe('API keys: revoked at once, and never wider than the key that made them', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ sites: ['example.com', 'other.example'], publicSites: false });
  });
  afterEach(() => t.close());

  const admin = `Bearer ${ADMIN_TOKEN}`;
  const create = (auth: string, scopes: string[], site = 'example.com') =>
    request(t.app).post(`/api/sites/${site}/keys`).set('Authorization', auth).send({ scopes });
  const read = (app: Express, secret: string) =>
    request(app).get('/api/v1/stats/aggregate?site_id=example.com').set('Authorization', `Bearer ${secret}`);

  it('refuses a revoked key on its next request, on every instance sharing the store', async () => {
    const { id, key } = (await create(admin, ['stats:read']).expect(201)).body as { id: string; key: string };
    // A second instance of the server on the same data.
    const store = openSqliteStore({ file: path.join(t.dataDir, 'sightline.db'), synchronous: 'NORMAL' });
    const second = createApp({ config: t.config, store, cache: new MemoryCache(t.clock), clock: t.clock });
    try {
      expect((await read(t.app, key)).status).toBe(200);
      expect((await read(second, key)).status).toBe(200);
      expect((await request(t.app).delete(`/api/sites/example.com/keys/${id}`).set('Authorization', admin)).status).toBe(204);
      expect((await read(t.app, key)).status).toBe(401);
      expect((await read(second, key)).status).toBe(401);
      expect((await request(second).get('/stats').set('Authorization', `Bearer ${key}`)).status).toBe(401);
      const again = await request(second).delete(`/api/sites/example.com/keys/${id}`).set('Authorization', admin);
      expect(again.status).toBe(404);
      expect(again.body.error).toMatch(/has no key/);
    } finally {
      await store.close();
    }
  });

  it('lets a sites:admin key of the site revoke, and nothing else', async () => {
    const siteAdmin = (await create(admin, ['sites:admin', 'stats:read']).expect(201)).body.key as string;
    const target = (await create(admin, ['stats:read']).expect(201)).body as { id: string; key: string };
    const elsewhere = (await create(admin, ['sites:admin'], 'other.example').expect(201)).body.key as string;
    const path = `/api/sites/example.com/keys/${target.id}`;
    expect((await request(t.app).delete(path)).status).toBe(401);
    expect((await request(t.app).delete(path).set('Authorization', `Bearer ${target.key}`)).status).toBe(403);
    expect((await request(t.app).delete(path).set('Authorization', `Bearer ${elsewhere}`)).status).toBe(403);
    // The key's id under another site's path is not that site's key.
    expect((await request(t.app).delete(`/api/sites/other.example/keys/${target.id}`).set('Authorization', admin)).status).toBe(404);
    expect((await read(t.app, target.key)).status).toBe(200);
    expect((await request(t.app).delete(path).set('Authorization', `Bearer ${siteAdmin}`)).status).toBe(204);
    expect((await read(t.app, target.key)).status).toBe(401);
  });

  it('lists each key with its id, scopes, creation and last use', async () => {
    const { id, key } = (await create(admin, ['stats:read']).expect(201)).body as { id: string; key: string };
    const list = async () => (await request(t.app).get('/api/sites/example.com/keys').set('Authorization', admin).expect(200)).body.keys;
    expect(await list()).toEqual([{ id, site: 'example.com', scopes: ['stats:read'], created_at: '2026-11-28T12:00:00.000Z', last_used_at: null }]);
    t.clock.advance(90_000);
    await read(t.app, key).expect(200);
    expect((await list())[0].last_used_at).toBe('2026-11-28T12:01:30.000Z');
    // Kept to the minute: a use within it is not written.
    t.clock.advance(30_000);
    await read(t.app, key).expect(200);
    expect((await list())[0].last_used_at).toBe('2026-11-28T12:01:30.000Z');
    t.clock.advance(60_000);
    await read(t.app, key).expect(200);
    expect((await list())[0].last_used_at).toBe('2026-11-28T12:03:00.000Z');
  });

  it('lets a key create only keys whose scopes it holds; the admin token creates any', async () => {
    const siteAdmin = (await create(admin, ['sites:admin']).expect(201)).body.key as string;
    const refused = await create(`Bearer ${siteAdmin}`, ['stats:read']);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/lacks the stats:read scope/);
    expect((await create(`Bearer ${siteAdmin}`, ['sites:admin', 'stats:read'])).status).toBe(403);
    expect((await t.store.listApiKeys('example.com')).map((record) => record.scopes)).toEqual([['sites:admin']]);
    expect((await create(`Bearer ${siteAdmin}`, ['sites:admin'])).status).toBe(201);
    const both = (await create(admin, ['sites:admin', 'stats:read']).expect(201)).body.key as string;
    const reader = (await create(`Bearer ${both}`, ['stats:read']).expect(201)).body.key as string;
    expect((await read(t.app, reader)).status).toBe(200);
    expect((await read(t.app, siteAdmin)).status).toBe(403);
  });
});

describe('query strings inside hash routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  /** Each visitor's own visit: a visit's UTM tags are those of its first event. */
  const beacon = (url: string, visitor = 'first') =>
    request(t.app).post('/api/event').set('Content-Type', 'text/plain').set('User-Agent', `${BROWSER_UA} ${visitor}`).send(JSON.stringify(pageview({ url })));
  const breakdown = async (property: string) =>
    (await request(t.app).get(`/api/v1/stats/breakdown?site_id=example.com&period=day&property=${property}&metrics=pageviews`).expect(200)).body.results;

  it('are dropped, as the page’s own query string is: tokens and addresses are never stored or shown', async () => {
    expect((await beacon('http://example.com/app#/reset-password?token=SECRET-TOKEN-42&email=alice%40example.com')).status).toBe(202);
    expect((await beacon('http://example.com/app#/reset-password')).status).toBe(202);
    expect(await breakdown('event:page')).toEqual([{ page: '/app#/reset-password', pageviews: 2 }]);
    // The database and its write-ahead log hold every byte written, committed or not yet checkpointed.
    const stored = ['sightline.db', 'sightline.db-wal']
      .map((file) => path.join(t.dataDir, file))
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file).toString('latin1'))
      .join('');
    expect(stored).toContain('/app#/reset-password');
    for (const secret of ['SECRET-TOKEN-42', 'alice']) expect({ secret, stored: stored.includes(secret) }).toEqual({ secret, stored: false });
  });

  it('still give their UTM tags, the page’s own query string first', async () => {
    expect((await beacon('https://example.com/#/landing?utm_source=newsletter&utm_campaign=spring&ref=x')).status).toBe(202);
    expect((await beacon('https://example.com/?utm_source=ads#/landing?utm_source=newsletter', 'second')).status).toBe(202);
    expect(await breakdown('event:page')).toEqual([{ page: '/#/landing', pageviews: 2 }]);
    expect(await breakdown('visit:utm_source')).toEqual([
      { utm_source: 'ads', pageviews: 1 },
      { utm_source: 'newsletter', pageviews: 1 },
    ]);
    expect(await breakdown('visit:utm_campaign')).toEqual([
      { utm_campaign: 'spring', pageviews: 1 },
      { utm_campaign: null, pageviews: 1 },
    ]);
  });
});

describe('an event sent again', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const beacon = (app: Express, body: Record<string, unknown>) =>
    request(app).post('/api/event').set('Content-Type', 'text/plain').set('User-Agent', BROWSER_UA).send(JSON.stringify(body));

  it('with the id it was first sent with is counted once, a day later and across a restart too', async () => {
    const event = pageview({ x: 'k2QeW9xT4bLm' });
    expect((await beacon(t.app, event)).status).toBe(202);
    expect((await beacon(t.app, event)).status).toBe(202);
    t.clock.advance(23 * 60 * 60 * 1000);
    expect((await beacon(t.app, { ...event, url: 'https://example.com/changed' })).status).toBe(202);
    expect((await beacon(t.app, pageview({ id: 'another-id-1' }))).status).toBe(202);
    expect((await beacon(t.app, pageview())).status).toBe(202);
    expect(await t.store.countEvents('example.com')).toBe(3);

    await t.store.close();
    const store = openSqliteStore({ file: path.join(t.dataDir, 'sightline.db'), synchronous: 'NORMAL' });
    try {
      const restarted = createApp({ config: t.config, store, cache: new MemoryCache(t.clock), clock: t.clock });
      expect((await beacon(restarted, event)).status).toBe(202);
      expect(await store.countEvents('example.com')).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('with an id that is not one is refused, storing nothing', async () => {
    for (const id of ['short', 'with space in it', 'é'.repeat(10), 'x'.repeat(65), 12345678, { $gt: '' }]) {
      const response = await beacon(t.app, pageview({ id }));
      expect({ id, status: response.status, error: typeof response.body.error }).toEqual({ id, status: 400, error: 'string' });
    }
    expect(await t.store.countEvents('example.com')).toBe(0);
  });
});

describe('smaller holes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses a breakdown by a prop named like a requested metric, instead of losing the prop’s value', async () => {
    expect((await request(t.app).post('/api/event').set('Content-Type', 'text/plain').set('User-Agent', BROWSER_UA)
      .send(JSON.stringify(pageview({ name: 'Signup', props: { visitors: 'abc' } })))).status).toBe(202);
    const clash = await request(t.app).get('/api/v1/stats/breakdown?site_id=example.com&period=day&property=event:props:visitors&metrics=visitors');
    expect(clash.status).toBe(400);
    expect(clash.body.details).toEqual([{ field: 'property', message: expect.stringMatching(/the prop "visitors" has the name of the metric visitors/) }]);
    const apart = await request(t.app).get('/api/v1/stats/breakdown?site_id=example.com&period=day&property=event:props:visitors&metrics=events');
    expect(apart.body.results).toEqual([{ visitors: 'abc', events: 1 }]);
  });

  it('says a filters value over the limit is too long', async () => {
    const response = await request(t.app).get(`/api/v1/stats/aggregate?site_id=example.com&filters=event:page==/${'a'.repeat(4000)}`);
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field: 'filters', message: 'filters must be at most 4000 characters' }]);
  });

  it('sends no CORS headers with /openapi.json, as with every other page but ingest and s.js', async () => {
    const response = await request(t.app).get('/openapi.json').set('Origin', 'https://somewhere-else.example');
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an ADMIN_TOKEN of blanks, or with blanks in it, at start-up', () => {
    for (const token of [' '.repeat(20), '\t'.repeat(16), 'correct horse battery staple']) {
      expect(configProblems({ ADMIN_TOKEN: token })).toEqual(['ADMIN_TOKEN: must not contain spaces or other blanks']);
    }
    expect(configProblems({ ADMIN_TOKEN: 'correct-horse-battery-staple' })).toEqual([]);
  });

  it('refuses an event name with a lone UTF-16 surrogate, storing nothing', async () => {
    const before = await t.store.countEvents('example.com');
    const body = JSON.stringify(pageview({ name: 'Sign\uD800up' }));
    expect(body).toContain('\\ud800');
    const response = await request(t.app).post('/api/event').set('Content-Type', 'text/plain').set('User-Agent', BROWSER_UA).send(body);
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field: 'name', message: 'must not contain a lone UTF-16 surrogate' }]);
    expect(await t.store.countEvents('example.com')).toBe(before);
  });
});
