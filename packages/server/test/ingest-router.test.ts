/** The ingest router mounted in someone else's Express app, behind that app's own middleware. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { loadConfig } from '../src/config.js';
import { createIngestRouter } from '../src/ingest/ingest-router.js';
import { registerSite } from '../src/sites/register-site.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore } from '../src/store/types.js';
import { BROWSER_UA, pageview } from './support/test-app.js';

describe('createIngestRouter', () => {
  let dataDir: string;
  let store: EventStore;

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-mount-'));
    store = openSqliteStore({ file: path.join(dataDir, 'events.db'), synchronous: 'NORMAL' });
    await registerSite(store, { domain: 'example.com', timezone: 'UTC', public: true }, Date.now());
  });

  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records events under a prefix of a host app that parses JSON bodies itself, and leaves its other routes alone', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, DEFAULT_SITE: 'example.com', RATE_LIMIT_INGEST_PER_IP: '3' });
    const ingest = createIngestRouter({ store, config });
    const app = express();
    app.use(express.json());
    app.use('/analytics', ingest.router);
    app.get('/hello', (_req, res) => void res.json({ hello: 'world' }));

    const beacon = await request(app).post('/analytics/api/event').set('Content-Type', 'text/plain').set('User-Agent', BROWSER_UA).send(JSON.stringify(pageview()));
    expect(beacon.status).toBe(202);
    expect(beacon.headers['access-control-allow-origin']).toBe('*');
    expect(beacon.headers['set-cookie']).toBeUndefined();
    // Already parsed by the host's express.json().
    const json = await request(app).post('/analytics/api/event').set('User-Agent', BROWSER_UA).send(pageview({ url: 'https://example.com/json' }));
    expect(json.status).toBe(202);
    const tracked = await request(app).post('/analytics/track').send({ page_id: 'pricing' });
    expect(tracked.status).toBe(202);
    expect(tracked.body).toEqual({ status: 'ok' });

    const bad = await request(app).post('/analytics/api/event').set('Content-Type', 'text/plain').send('{');
    // The address's fourth request in the window: over the limit, whatever else was wrong.
    expect(bad.status).toBe(429);
    expect(bad.headers['content-type']).toMatch(/^application\/json/);
    expect((await request(app).get('/hello')).body).toEqual({ hello: 'world' });

    await ingest.drain();
    expect(await store.countEvents('example.com')).toBe(3);
  });

  it('answers bad input with a JSON error and refuses new events once drained', async () => {
    const ingest = createIngestRouter({ store, config: loadConfig({ DATA_DIR: dataDir }) });
    const app = express().use(ingest.router);
    const unknown = await request(app).post('/api/event').set('Content-Type', 'text/plain').send(JSON.stringify(pageview({ site: 'nope.org', url: 'https://nope.org/' })));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown site nope\.org/);
    const form = await request(app).post('/api/event').set('Content-Type', 'application/x-www-form-urlencoded').send('site=example.com');
    expect(form.status).toBe(415);
    await ingest.drain();
    const late = await request(app).post('/api/event').set('Content-Type', 'text/plain').set('User-Agent', BROWSER_UA).send(JSON.stringify(pageview()));
    expect(late.status).toBe(503);
    expect(late.headers['retry-after']).toBeDefined();
  });
});
