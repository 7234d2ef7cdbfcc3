/**
 * Writes on a real replica set (MONGODB_URI naming one, as the CI lane's three members); skips
 * with the reason on a standalone server.
 *
 * - The primary steps down while events are being written: every batch the store acknowledged
 *   must be on the new primary afterwards, read with majority read concern; batches refused
 *   during the election are the ones a client is told to retry.
 * - A write concern the set cannot meet in time fails the write: the ingest answers 503, and
 *   does so within the write timeout instead of holding the beacon open.
 */
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../support/manual-clock.js';
import { BROWSER_UA, pageview } from '../support/test-app.js';
import { openMongoStore, type MongoEventStore } from '../../src/store/mongo/mongo-store.js';
import { dropDatabase, laneStoreOptions, MONGODB_URI, replicaSetAvailable, throwawayDbName } from '../support/mongo-lane.js';
import { storedEvent } from '../support/store-basics.js';

const available = await replicaSetAvailable('the primary stepdown test');
const dbName = throwawayDbName();
const SITE = 'stepdown.example';
const WRITERS = 4;
const BATCH = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes batches of events with unique paths until told to stop, keeping the paths of every acknowledged batch. */
function ingest(store: MongoEventStore, writer: number, state: { stop: boolean; acknowledged: string[]; refused: number }) {
  return (async () => {
    for (let batch = 0; !state.stop; batch++) {
      const paths = Array.from({ length: BATCH }, (_, index) => `/w${writer}/b${batch}/e${index}`);
      const events = paths.map((path, index) => storedEvent({ site: SITE, path, ts: Date.now(), visitorId: writer, sessionId: writer * 1_000_000 + batch * BATCH + index }));
      try {
        await store.insertEvents(events);
        state.acknowledged.push(...paths);
      } catch {
        state.refused++;
        await sleep(100);
      }
    }
  })();
}

async function primaryOf(connection: mongoose.Connection): Promise<string | undefined> {
  const hello = (await connection.db!.admin().command({ hello: 1 })) as { primary?: string };
  return hello.primary;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

(available ? describe : describe.skip)('a primary stepping down under ingest, on a real replica set', () => {
  afterAll(async () => {
    await dropDatabase(dbName);
  });

  it('keeps every acknowledged event, and ingest recovers on the new primary', async () => {
    // Long enough to outlast an election: a write waits for the new primary instead of failing at once.
    const store = await openMongoStore({ ...laneStoreOptions(dbName), serverSelectionTimeoutMS: 30_000 });
    const admin = mongoose.createConnection(MONGODB_URI!, { serverSelectionTimeoutMS: 30_000 });
    await admin.asPromise();
    const state = { stop: false, acknowledged: [] as string[], refused: 0 };
    const writers = Array.from({ length: WRITERS }, (_, writer) => ingest(store, writer, state));
    try {
      await until(() => state.acknowledged.length >= 200, 30_000, 'ingest to start');
      const before = await primaryOf(admin);
      // The primary closes its connections as it steps down; the command's own answer may be lost with them.
      await admin.db!.admin().command({ replSetStepDown: 20, secondaryCatchUpPeriodSecs: 10 }).catch(() => undefined);
      await until(async () => {
        const now = await primaryOf(admin).catch(() => undefined);
        return now !== undefined && now !== before;
      }, 60_000, 'a new primary');
      const afterElection = state.acknowledged.length;
      await until(() => state.acknowledged.length >= afterElection + 200, 60_000, 'ingest to resume on the new primary');
    } finally {
      state.stop = true;
      await Promise.all(writers);
    }

    const reader = mongoose.createConnection(MONGODB_URI!, { dbName, readConcern: { level: 'majority' } });
    await reader.asPromise();
    try {
      const stored = await reader.db!.collection('events').find({ 'meta.site': SITE }, { projection: { path: 1, _id: 0 } }).toArray();
      const paths = new Set(stored.map((document) => document.path as string));
      const missing = state.acknowledged.filter((path) => !paths.has(path));
      console.info(`stepdown: ${state.acknowledged.length} events acknowledged, ${state.refused} batches refused during the election, ${stored.length} stored`);
      expect(missing).toEqual([]);
    } finally {
      await reader.close();
      await admin.close();
      await store.close();
    }
  }, 180_000);
});

/** A connection to one member alone, with the credentials of MONGODB_URI. */
function memberConnection(host: string): mongoose.Connection {
  const credentials = /^mongodb:\/\/([^@/]*@)?/.exec(MONGODB_URI!)?.[1] ?? '';
  return mongoose.createConnection(`mongodb://${credentials}${host}/?directConnection=true`, { serverSelectionTimeoutMS: 10_000 });
}

(available ? describe : describe.skip)('a write concern the replica set cannot meet in time', () => {
  const unmetDb = throwawayDbName();

  afterAll(async () => {
    await dropDatabase(unmetDb);
  });

  it('answers the event 503 with Retry-After once the write timeout passes, never 202', async () => {
    const setUp = await openMongoStore(laneStoreOptions(unmetDb));
    await setUp.createSite({ domain: 'example.com', timezone: 'UTC', createdAt: 0, public: true });
    await setUp.close();
    const admin = mongoose.createConnection(MONGODB_URI!, { serverSelectionTimeoutMS: 10_000 });
    await admin.asPromise();
    const hello = (await admin.db!.admin().command({ hello: 1 })) as { hosts: string[]; primary: string };
    await admin.close();
    // A secondary that stops applying writes: every member (w = all of them) can no longer confirm one.
    const secondary = memberConnection(hello.hosts.find((host) => host !== hello.primary)!);
    await secondary.asPromise();
    await secondary.db!.admin().command({ fsync: 1, lock: true });
    const store = await openMongoStore({ ...laneStoreOptions(unmetDb, hello.hosts.length), writeTimeoutMs: 1000 });
    const clock = new ManualClock('2026-11-28T12:00:00Z');
    const config = loadConfig({ MONGODB_URI: MONGODB_URI!, DEMO: 'false', DEFAULT_SITE: 'example.com' });
    const app = createApp({ config, store, cache: new MemoryCache(clock), clock });
    try {
      const started = Date.now();
      const response = await request(app)
        .post('/api/event')
        .set('User-Agent', BROWSER_UA)
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify(pageview()));
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await secondary.db!.admin().command({ fsyncUnlock: 1 });
      await secondary.close();
      await store.close();
    }
  }, 60_000);
});
