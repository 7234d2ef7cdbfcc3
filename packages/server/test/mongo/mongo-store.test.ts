/**
 * The MongoDB store against a real MongoDB (MONGODB_URI). The same basics run on the embedded
 * store first, so both are held to one behaviour; the MongoDB part skips loudly without a server.
 */
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { dropDatabase, laneStoreOptions, mongoLaneAvailable, throwawayDbName } from '../support/mongo-lane.js';
import { runStoreBasics } from '../support/store-basics.js';

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
});
