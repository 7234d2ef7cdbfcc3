/**
 * The MongoDB store against a real MongoDB (MONGODB_URI). The same basics run on the embedded
 * store first, so both are held to one behaviour; the MongoDB part skips loudly without a server.
 */
import mongoose from 'mongoose';
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { dropDatabase, laneStoreOptions, MONGODB_URI, mongoLaneAvailable, throwawayDbName } from '../support/mongo-lane.js';
import { runStoreBasics, storedEvent } from '../support/store-basics.js';

const available = await mongoLaneAvailable('the MongoDB store tests');
const dbNames: string[] = [];

async function freshMongoStore() {
  const dbName = throwawayDbName();
  dbNames.push(dbName);
  return openMongoStore(laneStoreOptions(dbName));
}

afterAll(async () => {
  for (const dbName of dbNames) await dropDatabase(dbName);
});

runStoreBasics('sqlite (reference)', async () => openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' }));

(available ? describe : describe.skip)('MongoDB store on a real server', () => {
  runStoreBasics('mongo', freshMongoStore);

  it('creates a time-series events collection and its indexes, and can do so again', async () => {
    const dbName = throwawayDbName();
    dbNames.push(dbName);
    const first = await openMongoStore(laneStoreOptions(dbName));
    await first.close();
    const second = await openMongoStore(laneStoreOptions(dbName, 1));
    const { models } = second as unknown as { models: { events: { db: import('mongoose').Connection } } };
    const db = models.events.db.db!;
    const [events] = await db.listCollections({ name: 'events' }).toArray();
    expect(events).toMatchObject({ type: 'timeseries', options: { timeseries: { timeField: 'ts', metaField: 'meta' } } });
    const indexes = await db.collection('events').indexes();
    expect(indexes.map((index) => index.key)).toContainEqual({ 'meta.site': 1, ts: 1 });
    await second.close();
  });

  it('keeps only the site in the bucket key, so a client choosing event names cannot open buckets', async () => {
    const store = await freshMongoStore();
    const { models } = store as unknown as { models: { events: { db: import('mongoose').Connection } } };
    await store.insertEvents([
      storedEvent({ name: 'signup' }),
      storedEvent({ name: 'x'.repeat(50), ts: Date.parse('2026-11-28T12:00:01Z') }),
    ]);
    const buckets = await models.events.db.db!.collection('system.buckets.events').find().toArray();
    expect(buckets.map((bucket) => bucket.meta)).toEqual([{ site: 'example.com' }]);
    await store.close();
  });

  it('refuses to start on an events collection that is not a time-series collection, saying so', async () => {
    const dbName = throwawayDbName();
    dbNames.push(dbName);
    const connection = mongoose.createConnection(MONGODB_URI!, { dbName });
    await connection.asPromise();
    await connection.db!.createCollection('events');
    await connection.close();
    await expect(openMongoStore(laneStoreOptions(dbName))).rejects.toThrow(/the events collection exists but is not a time-series collection \(it is collection\)/);
  });

  it('lets one server at a time hold the purge lease, and another take it once it runs out', async () => {
    const dbName = throwawayDbName();
    dbNames.push(dbName);
    const [a, b] = [await openMongoStore(laneStoreOptions(dbName)), await openMongoStore(laneStoreOptions(dbName))];
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(await a.claimPurge('a', now, 60_000)).toBe(true);
    expect(await b.claimPurge('b', now + 1000, 60_000)).toBe(false);
    expect(await a.claimPurge('a', now + 30_000, 60_000)).toBe(true);
    expect(await b.claimPurge('b', now + 89_000, 60_000)).toBe(false);
    expect(await b.claimPurge('b', now + 90_000, 60_000)).toBe(true);
    expect(await a.claimPurge('a', now + 91_000, 60_000)).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });
});
