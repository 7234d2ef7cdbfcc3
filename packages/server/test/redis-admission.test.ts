/**
 * Ingest admission in Redis, as main.ts builds it: one script per group counts the address and
 * site limits and touches each kept event's visit and sighting, shared by every instance, with
 * the in-process admission standing in while Redis is away.
 */
import { randomBytes } from 'node:crypto';
import { RedisAdmission } from '../src/admission/redis-admission.js';
import type { Admission, AdmissionRequest } from '../src/admission/types.js';
import { closeRedis, connectRedis, type RedisClient } from '../src/cache/redis-client.js';
import type { RateLimitConfig } from '../src/http/rate-limit.js';
import { countActive } from '../src/ingest/active-visitors.js';
import { DaySalt } from '../src/ingest/day-salt.js';
import { MAX_VISIT_MS, SESSION_TIMEOUT_MS } from '../src/ingest/sessions.js';
import type { VisitorIdentity } from '../src/ingest/visitor-id.js';
import { admitAndCommit, createWriter } from '../src/ingest/group-commit.js';
import { silentLogger } from '../src/logger.js';
import { createSharedState, type SharedState } from '../src/shared-state.js';
import { ManualClock } from './support/manual-clock.js';
import { PrivateRedis } from './support/redis-server.js';
import { REDIS_URL, redisAvailable } from './support/redis-url.js';
import { createTestApp, pageview, sendBeacon, type TestApp } from './support/test-app.js';

const LIMITED = { TRUST_PROXY: 'true', RATE_LIMIT_INGEST_PER_IP: '3' };
const THREE_PER_IP: RateLimitConfig = { ingestPerIp: 3, ingestPerSite: 0, statsPerClient: 0, windowSeconds: 60 };
const salt = randomBytes(32);
/** Instances share the day's salt through their store. */
const sharedSalt = (clock: ManualClock) => new DaySalt({ daySalt: async () => salt }, clock);

const apps: TestApp[] = [];
const clients: RedisClient[] = [];
const states: SharedState[] = [];
/** Prefixes on the shared Redis whose keys a test leaves behind. */
const prefixes: string[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
  const ready = clients.find((client) => client.isReady);
  for (const prefix of prefixes.splice(0)) {
    const keys = ready === undefined ? [] : await ready.keys(`${prefix}*`);
    if (keys.length > 0) await ready!.del(keys);
  }
  await Promise.all(states.splice(0).map((state) => state.cache.close()));
  await Promise.all(clients.splice(0).map(closeRedis));
});

async function connect(url: string): Promise<RedisClient> {
  const client = connectRedis(url, () => undefined);
  clients.push(client);
  for (let attempt = 0; attempt < 200 && !client.isReady; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(client.isReady).toBe(true);
  return client;
}

/** An app whose ingest is admitted as main.ts admits it: in Redis under `prefix`, with the in-process stand-in. */
async function instance(client: RedisClient, prefix: string, limits = THREE_PER_IP): Promise<TestApp> {
  const state = createSharedState({ redisPrefix: prefix, memoryCacheBytes: 1_000_000 }, client, new ManualClock('2026-11-28T12:00:00Z'), silentLogger);
  states.push(state);
  const t = await createTestApp({
    env: LIMITED,
    shared: { visits: () => state.visits, admission: (_config, _store, clock) => state.admission(limits, sharedSalt(clock)) },
  });
  apps.push(t);
  return t;
}

const send = (t: TestApp, body: Record<string, unknown>, ip = '198.51.100.7') => sendBeacon(t.app, body, ip);
function prefixOf(): string {
  const prefix = `sightline-test:${process.pid}:${Date.now()}:${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  return prefix;
}

/** Two instances' admissions, each on its own connection, sharing one prefix, clock and salt. */
async function twoAdmissions() {
  const prefix = prefixOf();
  const clock = new ManualClock('2026-11-28T12:00:00Z');
  const [one, two] = await Promise.all([connect(REDIS_URL), connect(REDIS_URL)]);
  const a = new RedisAdmission(one, prefix, THREE_PER_IP, sharedSalt(clock));
  const b = new RedisAdmission(two, prefix, THREE_PER_IP, sharedSalt(clock));
  return { prefix, clock, two, a, b };
}

describe('admission shared through Redis', () => {
  let available = false;
  beforeAll(async () => {
    available = await redisAvailable();
  });

  it('counts one address budget across two instances, answering 429 with Retry-After past it', async () => {
    if (!available) return;
    const prefix = prefixOf();
    const a = await instance(await connect(REDIS_URL), prefix);
    const b = await instance(await connect(REDIS_URL), prefix);
    expect((await send(a, pageview())).status).toBe(202);
    expect((await send(b, pageview())).status).toBe(202);
    expect((await send(a, pageview())).status).toBe(202);
    const refused = await send(b, pageview());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error).toMatch(/too many requests from this address/);
    // A bad request counts too, and is answered 429 once the address is over.
    expect((await send(a, { site: 'example.com' })).status).toBe(429);
    expect((await a.store.countEvents('example.com')) + (await b.store.countEvents('example.com'))).toBe(3);
  });

  it('limits a site across addresses without charging the site for an address over its own limit', async () => {
    if (!available) return;
    const prefix = prefixOf();
    const client = await connect(REDIS_URL);
    const t = await instance(client, prefix, { ingestPerIp: 1, ingestPerSite: 2, statsPerClient: 0, windowSeconds: 60 });
    expect((await send(t, pageview(), '198.51.100.1')).status).toBe(202);
    expect((await send(t, pageview(), '198.51.100.1')).status).toBe(429);
    expect((await send(t, pageview(), '198.51.100.2')).status).toBe(202);
    const refused = await send(t, pageview(), '198.51.100.3');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/for this site/);
  });

  it('continues a visit on another instance, and both count the visitor as here right now', async () => {
    if (!available) return;
    const { prefix, clock, two, a, b } = await twoAdmissions();
    const event = (address: string): AdmissionRequest => ({ address, site: 'example.com', visit: { visitor: { id: 42 }, at: clock.now() } });
    const [first] = await a.admit([event('198.51.100.1')]);
    clock.advance(60_000);
    const [second] = await b.admit([event('198.51.100.2')]);
    expect(first!.visit).toBeDefined();
    expect(second!.visit).toEqual(first!.visit);
    const state = createSharedState({ redisPrefix: prefix, memoryCacheBytes: 1_000_000 }, two, clock, silentLogger);
    expect(await countActive(state.visits, 'example.com', clock.now() - 120_000)).toBe(1);
  });

  it("continues the visit kept under the previous day's visitor id once the salt turns, on any instance", async () => {
    if (!available) return;
    const { clock, a, b } = await twoAdmissions();
    const visitOf = async (admission: RedisAdmission, visitor: VisitorIdentity) =>
      (await admission.admit([{ address: `198.51.100.${visitor.id}`, site: 'example.com', visit: { visitor, at: clock.now() } }]))[0]!.visit;
    const yesterday = await visitOf(a, { id: 1 });
    expect(yesterday).toMatchObject({ visitorId: 1 });
    // After midnight the visitor's id is 2: its visit goes on, counted under yesterday's id, and is kept under 2.
    expect(await visitOf(b, { id: 2, previousId: 1 })).toEqual(yesterday);
    expect(await visitOf(a, { id: 2 })).toEqual(yesterday);
    // With nothing kept under the previous id, a new visit opens under today's.
    const fresh = await visitOf(b, { id: 3, previousId: 99 });
    expect(fresh).toMatchObject({ visitorId: 3 });
    expect(fresh!.sessionId).not.toBe(yesterday!.sessionId);
    expect(await visitOf(a, { id: 3 })).toEqual(fresh);
  });

  it('ends a visit once it has lasted a day, by Redis time', async () => {
    if (!available) return;
    const prefix = prefixOf();
    const client = await connect(REDIS_URL);
    const clock = new ManualClock('2026-11-28T12:00:00Z');
    const admission = new RedisAdmission(client, prefix, THREE_PER_IP, sharedSalt(clock));
    const [seconds, micros] = (await client.sendCommand(['TIME'])) as [string, string];
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    // Visits as the script keeps them, "session:visitor:start": one a minute short of a day old, one just over.
    await client.set(`${prefix}visit:example.com:7`, `111:7:${now - MAX_VISIT_MS + 60_000}`, { PX: SESSION_TIMEOUT_MS });
    await client.set(`${prefix}visit:example.com:8`, `222:8:${now - MAX_VISIT_MS - 1}`, { PX: SESSION_TIMEOUT_MS });
    const [young, old] = await admission.admit([7, 8].map((id) => ({ address: `198.51.100.${id}`, site: 'example.com', visit: { visitor: { id }, at: clock.now() } })));
    expect(young!.visit).toEqual({ sessionId: 111, visitorId: 7 });
    expect(old!.visit).toMatchObject({ visitorId: 8 });
    expect(old!.visit!.sessionId).not.toBe(222);
  });

  it('keeps no visit for a refused request', async () => {
    if (!available) return;
    const prefix = prefixOf();
    const client = await connect(REDIS_URL);
    const t = await instance(client, prefix, { ingestPerIp: 1, ingestPerSite: 0, statsPerClient: 0, windowSeconds: 60 });
    expect((await send(t, pageview(), '198.51.100.1')).status).toBe(202);
    expect((await send(t, pageview(), '198.51.100.1')).status).toBe(429);
    expect((await send(t, pageview(), '198.51.100.1')).status).toBe(429);
    expect(await client.keys(`${prefix}visit:*`)).toHaveLength(1);
  });

  it('decides a whole group in one script call', async () => {
    const redis = await PrivateRedis.start();
    try {
      const client = await connect(redis.url);
      const clock = new ManualClock('2026-11-28T12:00:00Z');
      const admission = new RedisAdmission(client, 'group:', { ingestPerIp: 30, ingestPerSite: 0, statsPerClient: 0, windowSeconds: 60 }, sharedSalt(clock));
      const requests: AdmissionRequest[] = Array.from({ length: 40 }, (_, i) => ({
        address: '198.51.100.9',
        site: 'example.com',
        visit: { visitor: { id: i % 4 }, at: clock.now() },
      }));
      await admission.admit(requests.slice(0, 1));
      await client.configResetStat();
      const verdicts = await admission.admit(requests.slice(1));
      const stats = await client.info('commandstats');
      const calls = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      expect(calls('evalsha') + calls('eval')).toBe(1);
      // The first request and 29 of these were within the limit; each visitor kept one visit.
      expect(verdicts.filter((v) => v.refusal === undefined)).toHaveLength(29);
      expect(verdicts.slice(29).every((v) => v.refusal?.status === 429)).toBe(true);
      const sessions = new Set(verdicts.slice(0, 29).map((v) => `${v.visit?.visitorId}:${v.visit?.sessionId}`));
      expect(sessions.size).toBe(4);
    } finally {
      await redis.stop();
    }
  }, 30_000);

  it('keeps ingest answering, limited in-process, while Redis is down, and shares again when it returns', async () => {
    const redis = await PrivateRedis.start();
    try {
      // Keys of a Redis of its own, gone with it: no prefix to clean up on the shared one.
      const t = await instance(await connect(redis.url), 'outage:');
      await redis.stop();
      const during = [];
      for (let i = 0; i < 4; i++) during.push((await send(t, pageview({ url: `https://example.com/${i}` }), '198.51.100.50')).status);
      expect(during).toEqual([202, 202, 202, 429]);
      await redis.resume();
      const client = clients[0]!;
      for (let attempt = 0; attempt < 200 && !client.isReady; attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
      const after = [];
      for (let i = 0; i < 4; i++) after.push((await send(t, pageview(), '198.51.100.51')).status);
      expect(after).toEqual([202, 202, 202, 429]);
      expect(await client.keys('*rl:ingest-ip:*')).toHaveLength(1);
      expect(await t.store.countEvents('example.com')).toBe(6);
    } finally {
      await redis.stop();
    }
  }, 30_000);
});

describe('group commit', () => {
  it('admits a lone request on the next turn, and the requests that arrive while a group is in flight together with the next', async () => {
    const groups: number[] = [];
    const release: Array<() => void> = [];
    const admission: Admission = {
      admit: (requests) => {
        groups.push(requests.length);
        return new Promise((resolve) => release.push(() => resolve(requests.map(() => ({ visit: { sessionId: 1, visitorId: 2 } })))));
      },
    };
    const inserted: number[] = [];
    const store = { insertEvents: async (events: readonly unknown[]) => void inserted.push(events.length) };
    const writer = createWriter(store, { groupCommitMaxEvents: 100, writeBufferMaxEvents: 1000 }, admission);
    const event = { request: { address: 'a', site: 'example.com', visit: { visitor: { id: 2 }, at: 0 } }, event: {} as never };
    const first = admitAndCommit(writer, { ...event });
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([1]);
    const rest = [...Array.from({ length: 9 }, () => admitAndCommit(writer, { ...event })), admitAndCommit(writer, { request: { address: 'b' } })];
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([1]);
    release.shift()!();
    expect((await first).visit).toEqual({ sessionId: 1, visitorId: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([1, 10]);
    release.shift()!();
    expect(await Promise.all(rest)).toHaveLength(10);
    // The request that only counted its address kept nothing.
    expect(inserted).toEqual([1, 9]);
    await writer.drain();
  });
});
