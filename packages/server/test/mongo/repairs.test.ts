/**
 * Dirty days and resumable time zone recounts (store/mongo/dirty-days.ts, site-rebuilds.ts)
 * against a real MongoDB (MONGODB_URI): the marker writes as the server applies them (upserts,
 * `$pull` then a conditional delete, a token moved by array filter), and the maintenance run
 * repairing what a failure or a dying process left. The logic runs on mingo in
 * repairs-on-mingo.test.ts; this part skips loudly without a server.
 */
import { ABANDONED_AFTER_MS, DirtyDays, type DirtyDayCollection, type DirtyDayDocument } from '../../src/store/mongo/dirty-days.js';
import type { Models } from '../../src/store/mongo/models.js';
import { openMongoStore, type MongoEventStore } from '../../src/store/mongo/mongo-store.js';
import { zoneDays } from '../../src/store/rollup-days.js';
import { dropDatabase, laneStoreOptions, mongoLaneAvailable, throwawayDbName } from '../support/mongo-lane.js';
import { storedEvent } from '../support/store-basics.js';

const available = await mongoLaneAvailable('the MongoDB repair tests');
const dbNames: string[] = [];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-02T00:00:00Z');
const SITE = 'example.com';

afterAll(async () => {
  for (const dbName of dbNames) await dropDatabase(dbName);
});

async function freshStore(): Promise<{ store: MongoEventStore; models: Models }> {
  const dbName = throwawayDbName();
  dbNames.push(dbName);
  const store = await openMongoStore(laneStoreOptions(dbName));
  await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START, public: false });
  const events = Array.from({ length: 80 }, (_, i) =>
    storedEvent({ ts: START + i * 5 * HOUR, visitorId: 1 + (i % 5), sessionId: 100 + Math.floor(i / 3), path: `/p${i % 3}` }),
  );
  await store.insertEvents(events);
  return { store, models: (store as unknown as { models: Models }).models };
}

/** A collection's documents without their ids, in one order. */
async function contents(model: { collection: unknown }): Promise<string[]> {
  const collection = model.collection as { find(): { toArray(): Promise<Array<Record<string, unknown>>> } };
  const documents = await collection.find().toArray();
  return documents.map(({ _id, ...rest }) => JSON.stringify(Object.entries(rest).sort())).sort();
}

(available ? describe : describe.skip)('repairs of the MongoDB store on a real server', () => {
  it('leave no marker behind batches that succeeded, and move a failed batch\'s token so it is due at once', async () => {
    const { store, models } = await freshStore();
    expect(await models.dirtyDays.countDocuments().exec()).toBe(0);
    const days = new DirtyDays(models.dirtyDays.collection as unknown as DirtyDayCollection);
    const day = { site: SITE, from: START, to: START + DAY };
    await days.mark([day], 'one', new Date());
    await days.mark([day], 'two', new Date());
    await days.giveUp([day], 'one');
    const [marker] = (await models.dirtyDays.find().lean().exec()) as unknown as DirtyDayDocument[];
    expect(marker!.pending.map((token) => [token.id, token.at.getTime() === 0])).toEqual([['one', true], ['two', false]]);
    // Not due while batch two runs; once it clears its token, the day is due and its marker settles.
    expect(await days.due(Date.now())).toEqual([]);
    await days.clear([day], 'two');
    const [due] = await days.due(Date.now());
    await days.settle(due!);
    expect(await models.dirtyDays.countDocuments().exec()).toBe(0);
    await store.close();
  });

  it('recount a dirty day, visits included, and answer from the events until then', async () => {
    const { store, models } = await freshStore();
    const groups = await contents(models.dayGroups);
    const visits = await contents(models.visits);
    const range = { from: START, to: START + 7 * DAY };
    const before = await store.aggregate({ site: SITE, range, filters: [] });
    const eventMeasures = await store.aggregate({ site: SITE, range, filters: [], eventMeasuresOnly: true });
    // As a batch whose count and repair failed: the day's rows and visits wrong, its token due.
    await models.dayGroups.deleteMany({ site: SITE, day: Math.floor(START / DAY) + 1 }).exec();
    await models.visits.deleteMany({ site: SITE, start: { $gte: new Date(START + DAY), $lt: new Date(START + 2 * DAY) } }).exec();
    await models.dirtyDays.collection.insertOne({ site: SITE, from: new Date(START + DAY), to: new Date(START + 2 * DAY), pending: [{ id: 'x', at: new Date(0) }], version: 1 });

    expect(await store.aggregate({ site: SITE, range, filters: [] })).toEqual(before);
    expect(await store.aggregate({ site: SITE, range, filters: [], eventMeasuresOnly: true })).toEqual(eventMeasures);
    expect(await store.repairPending!(Date.now())).toBe(1);
    expect(await models.dirtyDays.countDocuments().exec()).toBe(0);
    expect(await contents(models.dayGroups)).toEqual(groups);
    expect(await contents(models.visits)).toEqual(visits);
    await store.close();
  });

  it('resume a time zone recount whose server died half-way, once its lease runs out', async () => {
    const { store, models } = await freshStore();
    await store.updateSite(SITE, { timezone: 'Asia/Kolkata' });
    const groups = await contents(models.dayGroups);
    expect(await models.rebuilds.countDocuments().exec()).toBe(0);
    // As a server that recounted the first week and died: the later days gone, its lease run out.
    const kolkata = zoneDays('Asia/Kolkata');
    const next = kolkata.day(START) + 7;
    await models.dayGroups.deleteMany({ site: SITE, day: { $gte: next } }).exec();
    await models.dayVisitors.deleteMany({ site: SITE, day: { $gte: next } }).exec();
    await models.rebuilds.collection.insertOne({
      _id: SITE as never,
      holder: 'a server that died',
      until: new Date(Date.now() - 1),
      from: new Date(kolkata.start(next)),
      to: new Date(kolkata.start(next + 30)),
    });
    const range = { from: START, to: START + 30 * DAY };
    const fromEvents = await store.timeseries({ site: SITE, buckets: [range], filters: [], eventMeasuresOnly: true });
    expect(fromEvents[0]!.pageviews).toBe(80);

    expect(await store.repairPending!(Date.now() + ABANDONED_AFTER_MS)).toBe(1);
    expect(await models.rebuilds.countDocuments().exec()).toBe(0);
    expect(await contents(models.dayGroups)).toEqual(groups);
    await store.close();
  });
});
