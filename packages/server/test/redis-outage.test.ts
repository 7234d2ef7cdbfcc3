import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { HOT_MS } from '../src/cache/cached.js';
import { DEFAULT_MAX_BYTES } from '../src/cache/memory-cache.js';
import { closeRedis, connectRedis, type RedisClient } from '../src/cache/redis-client.js';
import type { ResponseCache } from '../src/cache/types.js';
import { systemClock } from '../src/clock.js';
import { DaySalt } from '../src/ingest/day-salt.js';
import { createSharedState } from '../src/shared-state.js';
import { PrivateRedis } from './support/redis-server.js';
import { BROWSER_UA, createTestApp, pageview, type TestApp } from './support/test-app.js';

let redis: PrivateRedis;
let t: TestApp;
let client: RedisClient;
let cache: ResponseCache;
const logLines: Array<{ msg: string }> = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
});

afterAll(async () => {
  await redis.stop();
});

beforeEach(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  client = connectRedis(redis.url, () => undefined);
  const state = createSharedState({ redisPrefix: 'outage-test:', memoryCacheBytes: DEFAULT_MAX_BYTES }, client, systemClock, logger);
  cache = state.cache;
  t = await createTestApp({
    cache: () => state.cache,
    shared: { visits: () => state.visits, admission: (config, store, clock) => state.admission(config.rateLimits, new DaySalt(store, clock)) },
  });
  await until(async () => (await cache.ping().then(() => true, () => false)));
});

afterEach(async () => {
  await t.close();
  await closeRedis(client);
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached in 5 s');
}

function ingest(path: string) {
  return request(t.app)
    .post('/api/event')
    .set('User-Agent', BROWSER_UA)
    .set('Content-Type', 'text/plain')
    .send(JSON.stringify(pageview({ url: `https://example.com${path}` })));
}

const stats = () => request(t.app).get('/api/stats').query({ site: 'example.com' });

it('keeps every status code while Redis is gone, logs the outage once, and recovers by itself', async () => {
  expect((await ingest('/before')).status).toBe(202);
  expect((await stats()).status).toBe(200);
  expect((await stats()).headers['x-cache']).toBe('hit');

  await redis.stop();
  const during = await Promise.all([ingest('/during-1'), ingest('/during-2'), stats(), stats(), ingest('/during-3')]);
  expect(during.map((response) => response.status)).toEqual([202, 202, 200, 200, 202]);
  const readiness = await request(t.app).get('/readyz');
  expect(readiness.status).toBe(200);
  expect(readiness.body).toMatchObject({ status: 'degraded', store: 'ok', cache: { kind: 'redis', state: 'down' } });
  expect(logLines.filter((line) => line.msg.startsWith('cache unreachable'))).toHaveLength(1);

  await redis.resume();
  await until(async () => (await request(t.app).get('/readyz')).body.status === 'ok');
  expect((await ingest('/after')).status).toBe(202);
  // An answer computed during the outage is served from process memory until HOT_MS have passed.
  t.clock.advance(HOT_MS);
  await until(async () => (await stats()).headers['x-cache'] === 'hit');
  expect((await stats()).body.pageviews).toBe(5);
  expect(logLines.filter((line) => line.msg === 'cache is reachable again')).toHaveLength(1);
  expect(await t.store.countEvents('example.com')).toBe(5);
});
