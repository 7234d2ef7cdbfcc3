/**
 * Events stored before the event name left the time-series bucket key keep it at `meta.name`
 * only. The MongoDB pipelines, run on mingo, must count them exactly as events stored now: the
 * same history answers the same whether all, some or none of it is in the earlier shape.
 */
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import type { BreakdownQuery, Filter, StoredEvent } from '../../src/store/types.js';
import { MingoPipelineStore } from '../support/mingo-store.js';
import { storedEvent } from '../support/store-basics.js';

const SITE = 'example.com';
const DAY = { from: Date.parse('2026-11-28T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z') };
const at = (minute: number) => DAY.from + minute * 60_000;

const HISTORY: StoredEvent[] = [
  storedEvent({ ts: at(1), path: '/', sessionId: 1, visitorId: 1 }),
  storedEvent({ ts: at(2), name: 'Signup', path: '/pricing', sessionId: 1, visitorId: 1 }),
  storedEvent({ ts: at(3), name: ENGAGEMENT, path: '/pricing', sessionId: 1, visitorId: 1, engagementMs: 12_000 }),
  storedEvent({ ts: at(5), path: '/blog', sessionId: 2, visitorId: 2 }),
  storedEvent({ ts: at(6), path: '/blog/a', sessionId: 2, visitorId: 2 }),
  storedEvent({ ts: at(9), name: 'Signup', path: '/', sessionId: 3, visitorId: 3 }),
];

/** The store with every other document rewritten as an earlier version stored it. */
async function storeWithEarlierDocuments(every: number): Promise<MingoPipelineStore> {
  const store = new MingoPipelineStore();
  await store.insertEvents(HISTORY);
  store.documents.forEach((document, index) => {
    if (index % every !== 0) return;
    const earlier = document as unknown as { name?: string; meta: { site: string; name?: string } };
    earlier.meta = { site: earlier.meta.site, name: earlier.name! };
    delete earlier.name;
  });
  return store;
}

const signups: Filter = { property: { scope: 'event', field: 'name' }, match: 'exact', values: ['Signup'], negated: false };

describe('events stored with the name in the bucket key, read by the MongoDB pipelines on mingo', () => {
  it.each([1, 2])('answer as events stored now (every %i-th document in the earlier shape)', async (every) => {
    const now = new MingoPipelineStore();
    await now.insertEvents(HISTORY);
    const earlier = await storeWithEarlierDocuments(every);
    for (const store of [now, earlier]) {
      expect(await store.aggregate({ site: SITE, range: DAY, filters: [] })).toEqual({
        visitors: 3,
        visits: 3,
        pageviews: 3,
        events: 2,
        bounces: 0,
        visitPageviews: 3,
        engagementMs: 12_000,
      });
    }
    const query = { site: SITE, range: DAY, filters: [signups] };
    expect(await earlier.aggregate(query)).toEqual(await now.aggregate(query));
    expect(await earlier.aggregate({ ...query, eventMeasuresOnly: true })).toEqual(await now.aggregate({ ...query, eventMeasuresOnly: true }));
    const byName: BreakdownQuery = { site: SITE, range: DAY, filters: [], property: { scope: 'event', field: 'name' } };
    expect(await earlier.breakdown({ ...byName, page: { rankBy: 'events', offset: 0, limit: 10 } })).toEqual(
      await now.breakdown({ ...byName, page: { rankBy: 'events', offset: 0, limit: 10 } }),
    );
    const entries: BreakdownQuery = { site: SITE, range: DAY, filters: [], property: { scope: 'visit', field: 'entry_page' } };
    expect(await earlier.breakdown({ ...entries, page: { rankBy: 'visits', offset: 0, limit: 10 } })).toEqual(
      await now.breakdown({ ...entries, page: { rankBy: 'visits', offset: 0, limit: 10 } }),
    );
    expect(await earlier.summary({ site: SITE, from: DAY.from, to: DAY.to, limit: 10 })).toEqual(
      await now.summary({ site: SITE, from: DAY.from, to: DAY.to, limit: 10 }),
    );
    expect(await earlier.allTime(SITE)).toEqual(await now.allTime(SITE));
    expect((await earlier.allTime(SITE)).pageviews).toBe(HISTORY.filter((event) => event.name === PAGEVIEW).length);
  });
});
