import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { RedisCache } from '../src/cache/redis-cache.js';
import { closeRedis, connectRedis } from '../src/cache/redis-client.js';
import { MAX_VISIT_MS } from '../src/ingest/sessions.js';
import { RedisVisitState } from '../src/visits/redis-visit-state.js';
import type { VisitTouch } from '../src/visits/types.js';
import { PrivateRedis } from './support/redis-server.js';
import { connectedRedis as connected, connectedRedisVisits, redisAvailable } from './support/redis-url.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const describeWithRedis = (await redisAvailable()) ? describe : describe.skip;

/** A touch whose candidate visit has visitor id ten times its session id, so answers show which visit won. */
const visitTouch = (key: string, sessionId: number, previousKey?: string, maxMs = MAX_VISIT_MS): VisitTouch => ({
  key,
  previousKey,
  candidate: { sessionId, visitorId: sessionId * 10 },
  idleMs: 60_000,
  maxMs,
});

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

  it('keeps one session per key across instances and only starts one when none exists', async () => {
    const one = await connectedRedisVisits(prefix);
    const other = await connectedRedisVisits(prefix);
    try {
      expect(await one.touchVisit(visitTouch('visit:a', 111))).toEqual({ sessionId: 111, visitorId: 1110 });
      expect(await other.touchVisit(visitTouch('visit:a', 222))).toEqual({ sessionId: 111, visitorId: 1110 });
      expect(await other.touchVisit(visitTouch('visit:b', 333))).toEqual({ sessionId: 333, visitorId: 3330 });
      // The salt turned: the visit kept under the previous id continues, with its visitor id, now under the new key.
      expect(await other.touchVisit(visitTouch('visit:a2', 444, 'visit:a'))).toEqual({ sessionId: 111, visitorId: 1110 });
      expect(await one.touchVisit(visitTouch('visit:a2', 555))).toEqual({ sessionId: 111, visitorId: 1110 });
      expect(await one.touchVisit(visitTouch('visit:c', 666, 'visit:none'))).toEqual({ sessionId: 666, visitorId: 6660 });
    } finally {
      await one.close();
      await other.close();
    }
  });

  it('ends a visit once it has lasted its longest, by Redis time', async () => {
    const one = await connectedRedisVisits(prefix);
    try {
      expect(await one.touchVisit(visitTouch('visit:long', 1, undefined, 150))).toEqual({ sessionId: 1, visitorId: 10 });
      expect(await one.touchVisit(visitTouch('visit:long', 2, undefined, 150))).toEqual({ sessionId: 1, visitorId: 10 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await one.touchVisit(visitTouch('visit:long', 3, undefined, 150))).toEqual({ sessionId: 3, visitorId: 30 });
    } finally {
      await one.close();
    }
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

describe('the Redis visit state after Redis restarts', () => {
  it('keeps touching sessions and windows, loading its scripts into the new server', async () => {
    const redis = await PrivateRedis.start();
    const client = connectRedis(redis.url, () => undefined);
    const cache = RedisCache.over(client, 'restart-test:');
    const visits = RedisVisitState.over(client, 'restart-test:');
    const ready = async () => {
      for (let attempt = 0; attempt < 200; attempt++) {
        if (await cache.ping().then(() => true, () => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('Redis did not become ready');
    };
    try {
      await ready();
      expect(await visits.touchVisit(visitTouch('visit:a', 1))).toEqual({ sessionId: 1, visitorId: 10 });
      await redis.stop();
      await redis.resume();
      await ready();
      // The restarted server has neither the session nor the scripts.
      expect(await visits.touchVisit(visitTouch('visit:a', 2))).toEqual({ sessionId: 2, visitorId: 20 });
      expect(await visits.touchVisit(visitTouch('visit:a', 3))).toEqual({ sessionId: 2, visitorId: 20 });
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
