import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { RedisAdmission } from '../src/admission/redis-admission.js';
import { RedisCache } from '../src/cache/redis-cache.js';
import { closeRedis, connectRedis } from '../src/cache/redis-client.js';
import { systemClock } from '../src/clock.js';
import { DaySalt } from '../src/ingest/day-salt.js';
import { RedisVisitState } from '../src/visits/redis-visit-state.js';
import { PrivateRedis } from './support/redis-server.js';
import { connectedRedis as connected, redisAvailable } from './support/redis-url.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const describeWithRedis = (await redisAvailable()) ? describe : describe.skip;

describeWithRedis('the Redis cache', () => {
  let prefix: string;
  let cache: RedisCache;

  beforeEach(async () => {
    prefix = `sightline-test:${randomUUID()}:`;
    cache = await connected(prefix);
  });

  afterEach(async () => {
    await cache.close();
  });

  it('stores values with an expiry', async () => {
    await cache.set('k', 'v', 60_000);
    expect(await cache.get('k')).toBe('v');
    await cache.set('short', 'v', 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await cache.get('short')).toBeNull();
  });

  it('serves the app: stats cached in Redis, shared by a second instance', async () => {
    const firstCache = await connected(prefix);
    const first: TestApp = await createTestApp({ cache: () => firstCache });
    const secondCache = await connected(prefix);
    const second: TestApp = await createTestApp({ cache: () => secondCache });
    try {
      await request(first.app).post('/track').send({ page_id: 'home' }).expect(202);
      const miss = await request(first.app).get('/api/stats').query({ site: 'example.com' });
      expect(miss.status).toBe(200);
      expect(miss.headers['x-cache']).toBe('miss');
      expect(miss.body.pageviews).toBe(1);
      const shared = await request(second.app).get('/api/stats').query({ site: 'example.com' });
      expect(shared.headers['x-cache']).toBe('hit');
      expect(shared.body).toEqual(miss.body);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('visits and windows in Redis after Redis restarts', () => {
  it('keeps admitting visits and counting windows, loading the scripts into the new server', async () => {
    const redis = await PrivateRedis.start();
    const client = connectRedis(redis.url, () => undefined);
    const cache = RedisCache.over(client, 'restart-test:');
    const visits = RedisVisitState.over(client, 'restart-test:');
    const salt = randomBytes(32);
    const limits = { ingestPerIp: 0, ingestPerSite: 0, statsPerClient: 0, windowSeconds: 60 };
    const admission = new RedisAdmission(client, 'restart-test:', limits, new DaySalt({ daySalt: async () => salt }, systemClock));
    const visitOf = async () => {
      const [verdict] = await admission.admit([{ address: '198.51.100.7', site: 'example.com', visit: { visitor: { id: 7 }, at: Date.now() } }]);
      return verdict!.visit;
    };
    const ready = async () => {
      for (let attempt = 0; attempt < 200; attempt++) {
        if (await cache.ping().then(() => true, () => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('Redis did not become ready');
    };
    try {
      await ready();
      const before = await visitOf();
      expect(await visitOf()).toEqual(before);
      await redis.stop();
      await redis.resume();
      await ready();
      // The restarted server has neither the visit nor the scripts.
      const after = await visitOf();
      expect(after).toMatchObject({ visitorId: 7 });
      expect(after!.sessionId).not.toBe(before!.sessionId);
      expect(await visitOf()).toEqual(after);
      await visits.markSeen('active:a', 'v1', 1_000, 500);
      await visits.markSeen('active:a', 'v2', 1_400, 500);
      await visits.markSeen('active:a', 'v3', 1_600, 500);
      // v1 (seen at 1,000) fell out of the window ending at 1,600.
      expect(await visits.countSeen('active:a', 0)).toBe(2);
    } finally {
      await closeRedis(client);
      await redis.stop();
    }
  }, 30_000);
});
