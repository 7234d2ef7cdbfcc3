/**
 * Sessions and sign-in counts in Redis, shared by two instances over one store: a session opened
 * on one is known to the other, and ending it (sign-out, a password change) ends it on both.
 * Without Redis, pages that need a session answer 503, never a guess.
 */
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { Accounts } from '../src/accounts/accounts.js';
import { LoginLimits } from '../src/accounts/login-limits.js';
import { RedisSessions } from '../src/accounts/redis-sessions.js';
import { StoreSessions } from '../src/accounts/session-store.js';
import { createApp } from '../src/app.js';
import { MemoryCache } from '../src/cache/memory-cache.js';
import { closeRedis, connectRedis, type RedisClient } from '../src/cache/redis-client.js';
import { REDIS_URL, redisAvailable } from './support/redis-url.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const describeWithRedis = (await redisAvailable()) ? describe : describe.skip;

const ORIGIN = 'http://localhost:8000';
const PASSWORD = 'correct horse battery staple';

const cookieOf = (response: request.Response) =>
  (([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('sightline_session=')) ?? '').split(';')[0]!;
const csrfIn = (text: string) => /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? '';

async function ready(url: string): Promise<RedisClient> {
  const client = connectRedis(url, () => undefined);
  for (let attempt = 0; attempt < 100 && !client.isReady; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
  return client;
}

describeWithRedis('sessions in Redis', () => {
  let t: TestApp;
  let clients: RedisClient[];
  let a: Express;
  let b: Express;

  /** An instance on the same store, with its own Redis connection under the shared prefix. */
  const instance = (client: RedisClient, prefix: string) =>
    createApp({
      config: t.config,
      store: t.store,
      cache: new MemoryCache(t.clock),
      clock: t.clock,
      sessions: new RedisSessions(client, prefix),
      loginLimits: LoginLimits.redis(client, prefix),
    });

  beforeEach(async () => {
    t = await createTestApp();
    const prefix = `sightline-test:${randomUUID()}:`;
    clients = [await ready(REDIS_URL), await ready(REDIS_URL)];
    [a, b] = clients.map((client) => instance(client, prefix)) as [Express, Express];
  });

  afterEach(async () => {
    for (const client of clients) await closeRedis(client);
    await t.close();
  });

  async function setUp(app: Express): Promise<string> {
    const link = await new Accounts(t.store.accounts, new StoreSessions(t.store.accounts), t.clock, t.config.publicUrl).setupLink();
    const token = new URL(link).searchParams.get('token');
    return cookieOf(await request(app).post('/setup').set('Origin', ORIGIN).type('form').send({ token, email: 'owner@example.com', password: PASSWORD }));
  }

  async function signIn(app: Express, password = PASSWORD): Promise<request.Response> {
    const form = await request(app).get('/login');
    return request(app).post('/login').set('Origin', ORIGIN).type('form').send({ csrf: csrfIn(form.text), email: 'owner@example.com', password });
  }

  it('keeps no session in the store, and ends one on every instance at sign-out', async () => {
    const cookie = await setUp(a);
    expect(await t.store.accounts.listSessions((await t.store.accounts.findUserByEmail('owner@example.com'))!.id, t.clock.now())).toEqual([]);
    expect((await request(b).get('/sites').set('Cookie', cookie)).status).toBe(200);
    const csrf = csrfIn((await request(b).get('/account').set('Cookie', cookie)).text);
    expect((await request(b).post('/logout').set('Cookie', cookie).set('Origin', ORIGIN).type('form').send({ csrf })).status).toBe(303);
    expect((await request(a).get('/sites').set('Cookie', cookie)).status).toBe(303);
  });

  it('ends every other session on every instance when the password changes', async () => {
    const onA = await setUp(a);
    const onB = cookieOf(await signIn(b));
    const account = await request(b).get('/account').set('Cookie', onB);
    expect(account.text.match(/<tr><td>/g)).toHaveLength(2);
    await request(b).post('/account/password').set('Cookie', onB).set('Origin', ORIGIN).type('form').send({ csrf: csrfIn(account.text), current: PASSWORD, next: 'another long password' });
    expect((await request(a).get('/sites').set('Cookie', onA)).status).toBe(303);
    expect((await request(a).get('/sites').set('Cookie', onB)).status).toBe(303);
  });

  it('counts sign-in attempts across instances', async () => {
    await setUp(a);
    for (let i = 0; i < 10; i++) expect((await signIn(i % 2 === 0 ? a : b, `wrong password ${i}`)).status).toBe(401);
    expect((await signIn(a)).status).toBe(429);
    expect((await signIn(b)).status).toBe(429);
  }, 60_000);

  it('answers 503 while Redis cannot be reached, never 500', async () => {
    const away = connectRedis('redis://127.0.0.1:1', () => undefined);
    clients.push(away);
    const app = instance(away, 'sightline-test:away:');
    const response = await request(app).get('/sites').set('Cookie', 'sightline_session=anything');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
  });
});
