/**
 * The real MongoDB adapter pointed at a port where nothing listens (no server is faked): ingest
 * must refuse with 503 and Retry-After rather than acknowledge, and /readyz must report the
 * store down while the cache is fine.
 */
import type { Connection } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config.js';
import { connectMongo, MongoStore } from '../../src/store/mongo/mongo-store.js';
import { StoreError } from '../../src/store/types.js';
import { ManualClock } from '../support/manual-clock.js';
import { sparePort } from '../support/redis-server.js';
import { BROWSER_UA, pageview } from '../support/test-app.js';

let store: MongoStore;
let connection: Connection;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const uri = `mongodb://127.0.0.1:${await sparePort()}/sightline`;
  const config = loadConfig({ MONGODB_URI: uri, DEMO: 'false', DEFAULT_SITE: 'example.com' });
  connection = connectMongo({ uri, writeConcern: 'majority', writeTimeoutMs: 2500, readTimeoutMs: 4000, serverSelectionTimeoutMS: 300 });
  store = new MongoStore(connection, 4000);
  const clock = new ManualClock('2026-11-28T12:00:00Z');
  app = createApp({ config, store, cache: new MemoryCache(clock), clock });
});

afterAll(async () => {
  await store.close();
});

describe('the MongoDB client the store connects with', () => {
  it('bounds every write by its write timeout and retries a write cut off by a failover once', () => {
    const options = connection.getClient().options;
    expect(options.writeConcern).toMatchObject({ w: 'majority', wtimeoutMS: 2500 });
    expect(options.retryWrites).toBe(true);
    expect(options.retryReads).toBe(true);
  });
});

describe('the MongoDB store while MongoDB is unreachable', () => {
  it('names the adapter and the method in its errors', async () => {
    const failure = await store.countEvents('example.com').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toMatch(/^mongo\.countEvents failed: /);
  });

  it('answers an event with 503 and Retry-After instead of acknowledging it', async () => {
    const response = await request(app)
      .post('/api/event')
      .set('User-Agent', BROWSER_UA)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(pageview()));
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({ error: expect.stringMatching(/unavailable/) });
  });

  it('answers the seed API’s POST /track with 503 and Retry-After too', async () => {
    const response = await request(app).post('/track').send({ page_id: 'home' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });

  it('reports the store down and the cache up on /readyz', async () => {
    const response = await request(app).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'down', store: 'down', cache: { kind: 'memory', state: 'ok' } });
  });

  it('stays alive on /healthz', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
  });
});
