/** Rate limits, events for pages off the site, and referrer spam: answered, and nothing kept. */
import request from 'supertest';
import { closeRedis, connectRedis, type RedisClient } from '../src/cache/redis-client.js';
import { createHash, randomBytes } from 'node:crypto';
import { systemClock } from '../src/clock.js';
import type { Config } from '../src/config.js';
import { redisStatsLimit } from '../src/http/rate-limit.js';
import { DaySalt } from '../src/ingest/day-salt.js';
import { silentLogger } from '../src/logger.js';
import { createSharedState } from '../src/shared-state.js';
import type { EventStore } from '../src/store/types.js';
import { ManualClock } from './support/manual-clock.js';
import { PrivateRedis } from './support/redis-server.js';
import { REDIS_URL, redisAvailable } from './support/redis-url.js';
import { ADMIN_TOKEN, createTestApp, pageview, sendBeacon, type TestApp } from './support/test-app.js';

const apps: TestApp[] = [];

async function app(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const t = await createTestApp(options);
  apps.push(t);
  return t;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

const send = (t: TestApp, body: Record<string, unknown>, ip = '198.51.100.7') => sendBeacon(t.app, body, ip);

const LIMITED = { TRUST_PROXY: 'true', RATE_LIMIT_INGEST_PER_IP: '3', RATE_LIMIT_STATS_PER_CLIENT: '2' };

describe('rate limits', () => {
  it('answers 429 with Retry-After and a JSON error once an address has used its minute, and stores nothing more', async () => {
    const t = await app({ env: LIMITED });
    for (let i = 0; i < 3; i++) expect((await send(t, pageview({ url: `https://example.com/${i}` }))).status).toBe(202);
    const refused = await send(t, pageview({ url: 'https://example.com/over' }));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body.error).toMatch(/too many requests from this address/);
    expect(await t.store.countEvents('example.com')).toBe(3);
    // Another address (TRUST_PROXY honours X-Forwarded-For) has its own budget.
    expect((await send(t, pageview(), '198.51.100.8')).status).toBe(202);
  });

  it('counts bad requests against the address too, and answers 429 rather than the error once it is over', async () => {
    const t = await app({ env: LIMITED });
    const ip = '198.51.100.10';
    const bad = () => request(t.app).post('/api/event').set('X-Forwarded-For', ip).set('Content-Type', 'text/plain').send('{');
    expect((await bad()).status).toBe(400);
    expect((await send(t, pageview({ site: 'unknown.org', url: 'https://unknown.org/' }), ip)).status).toBe(404);
    expect((await send(t, pageview(), ip)).status).toBe(202);
    expect((await bad()).status).toBe(429);
    expect((await send(t, pageview(), ip)).status).toBe(429);
    expect(await t.store.countEvents('example.com')).toBe(1);
  });

  it("does not spend a site's budget on requests an address was refused", async () => {
    const t = await app({ env: { TRUST_PROXY: 'true', RATE_LIMIT_INGEST_PER_IP: '2', RATE_LIMIT_INGEST_PER_SITE: '4' } });
    const flood = [];
    for (let i = 0; i < 6; i++) flood.push((await send(t, pageview(), '198.51.100.20')).status);
    expect(flood).toEqual([202, 202, 429, 429, 429, 429]);
    expect((await send(t, pageview(), '198.51.100.21')).status).toBe(202);
    expect((await send(t, pageview(), '198.51.100.22')).status).toBe(202);
    const overSite = await send(t, pageview(), '198.51.100.23');
    expect(overSite.status).toBe(429);
    expect(overSite.body.error).toMatch(/for this site/);
  });

  it('does not keep a visit open with requests it refuses', async () => {
    const t = await app({ env: { TRUST_PROXY: 'true', RATE_LIMIT_INGEST_PER_IP: '1' } });
    const identified = pageview({ user_id: 'user-42' });
    expect((await send(t, pageview({ user_id: 'someone-else' }), '198.51.100.31')).status).toBe(202);
    expect((await send(t, identified, '198.51.100.30')).status).toBe(202);
    t.clock.advance(20 * 60 * 1000);
    // The same visitor, from an address that has used its budget: refused.
    expect((await send(t, identified, '198.51.100.31')).status).toBe(429);
    t.clock.advance(20 * 60 * 1000);
    // 40 minutes after the visitor's last accepted event: a new visit.
    expect((await send(t, identified, '198.51.100.32')).status).toBe(202);
    const measures = await t.store.aggregate({ site: 'example.com', range: { from: 0, to: t.clock.now() + 1 }, filters: [] });
    expect({ pageviews: measures.pageviews, visits: measures.visits }).toEqual({ pageviews: 3, visits: 3 });
  });

  it('limits POST /track per address too', async () => {
    const t = await app({ env: LIMITED });
    const track = () => request(t.app).post('/track').set('X-Forwarded-For', '198.51.100.9').send({ page_id: 'home' });
    for (let i = 0; i < 3; i++) expect((await track()).status).toBe(202);
    expect((await track()).status).toBe(429);
    expect(await t.store.countEvents('example.com')).toBe(3);
  });

  it('limits a site across all addresses', async () => {
    const t = await app({ env: { TRUST_PROXY: 'true', RATE_LIMIT_INGEST_PER_SITE: '4' }, sites: ['example.com', 'other.org'] });
    for (let i = 0; i < 4; i++) expect((await send(t, pageview(), `198.51.100.${i}`)).status).toBe(202);
    const refused = await send(t, pageview(), '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/for this site/);
    expect((await send(t, pageview({ site: 'other.org', url: 'https://other.org/' }), '198.51.100.99')).status).toBe(202);
    expect(await t.store.countEvents('example.com')).toBe(4);
    // The refused visitor is not counted as on the site right now either.
    const realtime = await request(t.app).get('/api/v1/stats/realtime/visitors?site_id=example.com').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(realtime.body).toBe(4);
  });

  it('limits stats reads per address, and per key when one is sent', async () => {
    const t = await app({ env: LIMITED });
    const read = (ip: string, key?: string) => {
      const r = request(t.app).get('/api/stats?site=example.com').set('X-Forwarded-For', ip);
      return key === undefined ? r : r.set('Authorization', `Bearer ${key}`);
    };
    expect((await read('198.51.100.1')).status).toBe(200);
    expect((await read('198.51.100.1')).status).toBe(200);
    const refused = await read('198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    // One key used from many addresses shares one budget.
    expect((await read('198.51.100.2', 'key-a')).status).toBe(200);
    expect((await read('198.51.100.3', 'key-a')).status).toBe(200);
    expect((await read('198.51.100.4', 'key-a')).status).toBe(429);
    expect((await request(t.app).get('/stats').set('X-Forwarded-For', '198.51.100.1')).status).toBe(429);
  });

  it('turns a limit off with 0', async () => {
    const t = await app({ env: { TRUST_PROXY: 'true', RATE_LIMIT_INGEST_PER_IP: '0', RATE_LIMIT_INGEST_PER_SITE: '0' } });
    const statuses = await Promise.all(Array.from({ length: 30 }, () => send(t, pageview()).then((r) => r.status)));
    expect(statuses.every((status) => status === 202)).toBe(true);
  });

  it('ships defaults a busy site behind a proxy does not reach', async () => {
    const t = await app({ env: { TRUST_PROXY: 'true' } });
    expect(t.config.rateLimits).toEqual({ ingestPerIp: 1200, ingestPerSite: 300_000, statsPerClient: 600, windowSeconds: 60 });
  });
});

describe('rate limits shared through Redis', () => {
  let available = false;
  beforeAll(async () => {
    available = await redisAvailable();
  });

  const THREE_READS = { ingestPerIp: 0, ingestPerSite: 0, statsPerClient: 3, windowSeconds: 60 };
  const clients: RedisClient[] = [];
  const client = (url: string) => {
    const connection = connectRedis(url, () => undefined);
    clients.push(connection);
    return connection;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeRedis));
  });

  async function connected(): Promise<void> {
    for (let attempt = 0; attempt < 200 && !clients.every((c) => c.isReady); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(clients.every((c) => c.isReady)).toBe(true);
  }

  const read = (t: TestApp, ip = '198.51.100.7') => request(t.app).get('/api/stats?site=example.com').set('X-Forwarded-For', ip);

  it('counts one stats budget across two instances', async () => {
    if (!available) return;
    const prefix = `sightline-test:${process.pid}:${Date.now()}:`;
    // The instances share the day's salt through their store.
    const salt = randomBytes(32);
    const store = { daySalt: async () => salt };
    const limit = () => (_config: Config, _store: EventStore, clock: ManualClock) => redisStatsLimit(THREE_READS, client(REDIS_URL), prefix, new DaySalt(store, clock));
    const a = await app({ env: LIMITED, statsLimit: limit() });
    const b = await app({ env: LIMITED, statsLimit: limit() });
    await connected();
    expect((await read(a)).status).toBe(200);
    expect((await read(b)).status).toBe(200);
    expect((await read(a)).status).toBe(200);
    expect((await read(b)).status).toBe(429);
    expect((await read(a)).status).toBe(429);
  });

  it('keeps stats answering, still limited in-process, while Redis is down, and shares again when it returns', async () => {
    const redis = await PrivateRedis.start();
    try {
      const t = await app({
        env: LIMITED,
        statsLimit: (_config, store, clock) => redisStatsLimit(THREE_READS, client(redis.url), 'rl-outage:', new DaySalt(store, clock)),
      });
      await connected();
      await redis.stop();
      const during = [];
      for (let i = 0; i < 4; i++) during.push((await read(t, '198.51.100.50')).status);
      expect(during).toEqual([200, 200, 200, 429]);
      await redis.resume();
      await connected();
      const after = [];
      for (let i = 0; i < 4; i++) after.push((await read(t, '198.51.100.51')).status);
      expect(after).toEqual([200, 200, 200, 429]);
    } finally {
      await redis.stop();
    }
  }, 30_000);

  it('keys counters so that nothing in Redis turns back into an address or key, and changes the keys daily', async () => {
    if (!available) return;
    const prefix = `sightline-test:${process.pid}:${Date.now()}:`;
    const connection = client(REDIS_URL);
    // Ingest's limits counted by admission, the stats limit by rate-limiter-flexible, as main.ts builds them.
    const state = createSharedState({ redisPrefix: prefix, memoryCacheBytes: 1_000_000 }, connection, systemClock, silentLogger);
    const t = await app({
      env: { TRUST_PROXY: 'true' },
      shared: { visits: () => state.visits, admission: (config, store, clock) => state.admission(config.rateLimits, new DaySalt(store, clock)) },
      statsLimit: (config, store, clock) => redisStatsLimit(config.rateLimits, connection, prefix, new DaySalt(store, clock)),
    });
    await connected();
    const ip = '198.51.100.77';
    const apiKey = 'sl_rate_limit_probe_key_0123456789';
    const visit = async () => {
      expect((await send(t, pageview(), ip)).status).toBe(202);
      const reading = request(t.app).get('/api/stats?site=example.com').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${apiKey}`);
      expect((await reading).status).toBe(200);
      return (await connection.keys(`${prefix}rl:*`)).sort();
    };
    // What an unkeyed hash would give away: digests of the values the limits count under.
    const unkeyed = [ip, `ip:${ip}`, `key:${apiKey}`].flatMap((value) => {
      const digest = createHash('sha256').update(value).digest();
      return [digest.toString('base64url').slice(0, 22), digest.toString('hex').slice(0, 16), digest.toString('base64').slice(0, 16)];
    });
    const today = await visit();
    expect(today).toHaveLength(4);
    for (const key of today) {
      for (const secret of [ip, apiKey, ...unkeyed]) expect({ key, secret, found: key.includes(secret) }).toEqual({ key, secret, found: false });
    }
    t.clock.advance(24 * 60 * 60 * 1000);
    const both = await visit();
    const tomorrow = both.filter((key) => !today.includes(key));
    expect(tomorrow).toHaveLength(4);
    await connection.del(await connection.keys(`${prefix}*`));
    await state.cache.close();
  });
});

describe('events for pages off the site', () => {
  const dropped = async (t: TestApp, body: Record<string, unknown>) => {
    const before = await t.store.countEvents(String(body.site));
    const response = await send(t, body);
    expect(response.status).toBe(202);
    expect(await t.store.countEvents(String(body.site))).toBe(before);
    return response.headers['x-sightline-dropped'];
  };

  it('drops (202, X-Sightline-Dropped: hostname) an event whose page is on another host', async () => {
    const t = await app();
    expect(await dropped(t, pageview({ url: 'https://evil.example.net/' }))).toBe('hostname');
    expect(await dropped(t, pageview({ url: 'https://notexample.com/' }))).toBe('hostname');
    expect(await dropped(t, pageview({ url: 'https://example.com.evil.net/' }))).toBe('hostname');
  });

  it('counts www. and, by default, subdomains for the site', async () => {
    const t = await app();
    for (const url of ['https://www.example.com/', 'https://blog.example.com/a', 'https://EXAMPLE.com./']) {
      const response = await send(t, pageview({ url }));
      expect(response.status).toBe(202);
      expect(response.headers['x-sightline-dropped']).toBeUndefined();
    }
    expect(await t.store.countEvents('example.com')).toBe(3);
  });

  it('drops subdomains when ALLOW_SUBDOMAINS=false, keeping www.', async () => {
    const t = await app({ env: { ALLOW_SUBDOMAINS: 'false' } });
    expect(await dropped(t, pageview({ url: 'https://blog.example.com/' }))).toBe('hostname');
    expect((await send(t, pageview({ url: 'https://www.example.com/' }))).headers['x-sightline-dropped']).toBeUndefined();
    expect(await t.store.countEvents('example.com')).toBe(1);
  });

  it('accepts the demo site from any loopback name', async () => {
    const t = await app({ sites: ['localhost'] });
    for (const url of ['http://localhost:8000/', 'http://127.0.0.1:8000/', 'http://[::1]:8000/']) {
      expect((await send(t, { site: 'localhost', url })).headers['x-sightline-dropped']).toBeUndefined();
    }
    expect(await t.store.countEvents('localhost')).toBe(3);
  });

  it('drops referrer spam, subdomains of spam domains included', async () => {
    const t = await app();
    expect(await dropped(t, pageview({ referrer: 'https://semalt.com/' }))).toBe('referrer-spam');
    expect(await dropped(t, pageview({ referrer: 'http://www.buttons-for-website.com/x?y' }))).toBe('referrer-spam');
    const ok = await send(t, pageview({ referrer: 'https://notsemalt.com/' }));
    expect(ok.headers['x-sightline-dropped']).toBeUndefined();
    expect(await t.store.countEvents('example.com')).toBe(1);
  });
});

describe('admin and keyed reads stay closed', () => {
  it('refuses the admin API without the token or with a wrong one', async () => {
    const t = await app();
    expect((await request(t.app).get('/api/sites')).status).toBe(401);
    expect((await request(t.app).get('/api/sites').set('Authorization', 'Bearer wrong-token-wrong-token')).status).toBe(401);
    expect((await request(t.app).get('/api/sites').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
  });
});
