/** Security headers everywhere, CORS only where browsers on other origins must reach, and quiet logs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { MemoryCache } from '../src/cache/memory-cache.js';
import { loadConfig } from '../src/config.js';
import { registerSite } from '../src/sites/register-site.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
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
