/**
 * The MongoDB store's visits collection, its writes and reads evaluated by mingo (no MongoDB
 * server runs here): a visit kept at ingest equals the visit folded from all its events in arrival
 * order however the events were batched and however late they came, ties included; purges and
 * site deletion keep it so; and the visit measures read from it, with the visits a range cuts
 * rebuilt from their events, match the embedded store.
 */
import fc from 'fast-check';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { toEventDocument } from '../../src/store/mongo/documents.js';
import { mergeWrites, visitsOfBatch, visitsOfDocuments, type VisitDocument } from '../../src/store/mongo/visit-writes.js';
import type { Filter, StoredEvent } from '../../src/store/types.js';
import { MingoPipelineStore } from '../support/mingo-store.js';
import { storedEvent } from '../support/store-basics.js';

const SITE = 'example.com';
const T0 = Date.parse('2026-11-28T12:00:00Z');
const MINUTE = 60_000;

const byVisit = (a: { site: string; sessionId: number }, b: { site: string; sessionId: number }) =>
  a.site < b.site ? -1 : a.site > b.site ? 1 : a.sessionId - b.sessionId;

/** The visits as the collection holds them, in a stable order. */
const kept = (store: MingoPipelineStore): VisitDocument[] =>
  [...store.visitDocuments.documents].map((visit) => ({ ...visit })).sort(byVisit) as VisitDocument[];

/** Every visit folded from all its stored events in arrival order: what the collection must hold. */
const folded = (store: MingoPipelineStore): VisitDocument[] => visitsOfDocuments(store.documents).sort(byVisit);

const at = (minutes: number) => T0 + minutes * MINUTE;

describe('the visits collection kept at ingest (on mingo)', () => {
  it('keeps one document per visit with its first event, entry and exit pages, counts and engaged time', async () => {
    const store = new MingoPipelineStore();
    await store.insertEvents([
      storedEvent({ ts: at(0), path: '/a', referrerSource: 'Google', country: 'DE' }),
      storedEvent({ ts: at(1), name: 'Signup', path: '/a', country: 'US' }),
      storedEvent({ ts: at(2), name: ENGAGEMENT, path: '/a', engagementMs: 4_000 }),
      storedEvent({ ts: at(3), path: '/b' }),
    ]);
    expect(kept(store)).toEqual([
      {
        site: SITE,
        sessionId: 7,
        visitorId: 2 ** 47 + 1,
        start: new Date(at(0)),
        end: new Date(at(3)),
        attributes: expect.objectContaining({ source: 'Google', country: 'DE', browser: 'Chrome' }),
        entryPage: '/a',
        entryTs: new Date(at(0)),
        exitPage: '/b',
        exitTs: new Date(at(3)),
        pageviews: 2,
        events: 1,
        engagementMs: 4_000,
      },
    ]);
    expect(store.spanDocuments.documents).toEqual([{ _id: SITE, longestMs: 3 * MINUTE }]);
  });

  it('moves the start, its attributes and the entry page to a late event with an earlier time', async () => {
    const store = new MingoPipelineStore();
    await store.insertEvents([storedEvent({ ts: at(10), path: '/later', referrerSource: null, visitorId: 2 })]);
    await store.insertEvents([storedEvent({ ts: at(5), name: 'Signup', path: '/x', referrerSource: 'Google', visitorId: 1 })]);
    let [visit] = kept(store);
    expect(visit).toMatchObject({ start: new Date(at(5)), visitorId: 1, entryPage: '/later', exitPage: '/later', events: 1 });
    expect(visit!.attributes.source).toBe('Google');
    await store.insertEvents([storedEvent({ ts: at(2), path: '/first' }), storedEvent({ ts: at(8), path: '/middle' })]);
    [visit] = kept(store);
    expect(visit).toMatchObject({ start: new Date(at(2)), entryPage: '/first', entryTs: new Date(at(2)), exitPage: '/later', pageviews: 3 });
    expect(kept(store)).toEqual(folded(store));
  });

  it('breaks ties of equal times by arrival: the earlier arrival stays first, the later becomes last', async () => {
    const store = new MingoPipelineStore();
    await store.insertEvents([storedEvent({ ts: at(0), path: '/one', referrerSource: 'Google' })]);
    await store.insertEvents([
      storedEvent({ ts: at(0), path: '/two', referrerSource: 'Bing' }),
      storedEvent({ ts: at(0), path: '/three', referrerSource: 'Ecosia' }),
    ]);
    const [visit] = kept(store);
    expect(visit).toMatchObject({ entryPage: '/one', exitPage: '/three', pageviews: 3 });
    expect(visit!.attributes.source).toBe('Google');
    expect(kept(store)).toEqual(folded(store));
  });

  it('equals the fold of every event in arrival order, however the events are batched and ordered', async () => {
    const eventArbitrary = fc.record({
      session: fc.integer({ min: 1, max: 4 }),
      site: fc.constantFrom('a.example', 'b.example'),
      minute: fc.integer({ min: 0, max: 6 }),
      name: fc.constantFrom(PAGEVIEW, PAGEVIEW, ENGAGEMENT, 'Signup'),
      path: fc.constantFrom('/', '/a', '/b'),
      source: fc.constantFrom(null, 'Google', 'Bing'),
      visitor: fc.integer({ min: 1, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(eventArbitrary, { maxLength: 25 }), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 10 }), async (events, sizes) => {
        const store = new MingoPipelineStore();
        const stored = events.map((e) =>
          storedEvent({
            site: e.site,
            sessionId: e.session,
            ts: at(e.minute),
            name: e.name,
            path: e.path,
            referrerSource: e.source,
            visitorId: e.visitor,
            engagementMs: e.name === ENGAGEMENT ? 1_000 * e.minute : null,
          }),
        );
        let next = 0;
        for (const size of [...sizes, stored.length]) {
          await store.insertEvents(stored.slice(next, next + size));
          next += size;
        }
        expect(kept(store)).toEqual(folded(store));
      }),
      { numRuns: 200 },
    );
  });
});

describe('a merge that failed part-way (on mingo)', () => {
  it('is repaired by rebuilding the batch\'s visits from their events', async () => {
    const store = new MingoPipelineStore();
    await store.insertEvents([storedEvent({ ts: at(10), path: '/b' })]);
    const late = [storedEvent({ ts: at(0), path: '/a', referrerSource: 'Google' })];
    store.documents.push({ _id: 'ff'.padStart(24, '0'), ...toEventDocument(late[0]!) });
    // Only the first of the merge's writes got through: counts added, start and entry not moved.
    await store.visitDocuments.bulkWrite(mergeWrites(visitsOfBatch(late)[0]!).slice(0, 1));
    expect(kept(store)).not.toEqual(folded(store));
    await store.visits.repair(late);
    expect(kept(store)).toEqual(folded(store));
  });
});

describe('the visits of events stored before the visits collection (on mingo)', () => {
  it('are built from their events, with the sites\' spans, and building them again changes nothing', async () => {
    const store = new MingoPipelineStore();
    await store.insertEvents([
      storedEvent({ sessionId: 2, ts: at(3), path: '/b' }),
      storedEvent({ sessionId: 1, ts: at(0), path: '/a', referrerSource: 'Google' }),
      storedEvent({ sessionId: 2, ts: at(1), path: '/a' }),
      storedEvent({ site: 'other.example', sessionId: 1, ts: at(0) }),
      storedEvent({ site: 'other.example', sessionId: 1, ts: at(9), name: ENGAGEMENT, engagementMs: 500 }),
    ]);
    const expected = kept(store);
    const spans = [...store.spanDocuments.documents];
    const sessions = async function* () {
      const seen = [...new Set(store.documents.map((d) => `${d.meta.site} ${d.sessionId}`))].sort();
      for (const key of seen) yield { site: key.split(' ')[0]!, sessionId: Number(key.split(' ')[1]) };
    };
    store.visitDocuments.documents.length = 0;
    store.spanDocuments.documents.length = 0;
    await store.visits.fill(sessions());
    expect(kept(store)).toEqual(expected);
    expect(store.spanDocuments.documents).toEqual(spans);
    await store.visits.fill(sessions());
    expect(kept(store)).toEqual(expected);
  });
});

describe('purges and site deletion keep the visits collection (on mingo)', () => {
  it('drops the visits a purge ends and rebuilds the ones it cuts from the events they have left', async () => {
    const store = new MingoPipelineStore();
    await store.insertEvents([
      storedEvent({ sessionId: 1, ts: at(0), path: '/gone' }),
      storedEvent({ sessionId: 1, ts: at(5), path: '/gone-too' }),
      storedEvent({ sessionId: 2, ts: at(10), path: '/before', referrerSource: 'Google' }),
      storedEvent({ sessionId: 2, ts: at(30), path: '/after', referrerSource: 'Bing' }),
      storedEvent({ sessionId: 2, ts: at(31), name: 'Signup', path: '/after' }),
      storedEvent({ sessionId: 3, ts: at(40), path: '/kept' }),
      storedEvent({ site: 'other.example', sessionId: 1, ts: at(0), path: '/other' }),
    ]);
    expect(await store.purgeEvents(SITE, at(20))).toBe(3);
    expect(kept(store)).toEqual(folded(store));
    const visits = kept(store).filter((visit) => visit.site === SITE);
    expect(visits.map((visit) => visit.sessionId)).toEqual([2, 3]);
    expect(visits[0]).toMatchObject({ start: new Date(at(30)), entryPage: '/after', pageviews: 1, events: 1 });
    expect(visits[0]!.attributes.source).toBe('Bing');
    // Run again (as after a purge that failed between the events and the visits), nothing changes.
    expect(await store.purgeEvents(SITE, at(20))).toBe(0);
    expect(kept(store)).toEqual(folded(store));
  });

  it('answers after a purge as the embedded store does', async () => {
    const sqlite = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
    const mingo = new MingoPipelineStore();
    try {
      const events = [0, 10, 25, 40, 70, 80].flatMap((minute, i) => [
        storedEvent({ sessionId: i % 3, ts: at(minute), path: `/p${i}`, referrerSource: i % 2 === 0 ? 'Google' : null }),
        storedEvent({ sessionId: i % 3, ts: at(minute + 1), name: ENGAGEMENT, engagementMs: 2_000 * i }),
      ]);
      for (const store of [sqlite, mingo]) {
        await store.insertEvents(events);
        await store.purgeEvents(SITE, at(30));
      }
      const range = { from: at(-60), to: at(120) };
      const query = { site: SITE, range, filters: [] };
      expect(await mingo.aggregate(query)).toEqual(await sqlite.aggregate(query));
      const property = { scope: 'visit', field: 'entry_page' } as const;
      const sort = (rows: Array<{ value: string | null }>) => [...rows].sort((a, b) => String(a.value).localeCompare(String(b.value)));
      expect(sort(await mingo.breakdown({ ...query, property }))).toEqual(sort(await sqlite.breakdown({ ...query, property })));
    } finally {
      await sqlite.close();
    }
  });

  it('deletes a site with its visits and its span, and keeps other sites', async () => {
    const store = new MingoPipelineStore();
    await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: 0 });
    await store.insertEvents([storedEvent({ ts: at(0) }), storedEvent({ site: 'other.example', ts: at(0) })]);
    await store.deleteSite(SITE);
    expect(store.visitDocuments.documents.map((visit) => visit.site)).toEqual(['other.example']);
    expect(store.spanDocuments.documents.map((span) => span._id)).toEqual(['other.example']);
  });
});

describe('visit measures read from the visits collection (on mingo)', () => {
  const fromGoogle: Filter = { property: { scope: 'visit', field: 'source' }, match: 'exact', values: ['Google'], negated: false };

  /** Visits inside the range, cut by its start, cut by its end, and spanning the hour buckets. */
  const events: StoredEvent[] = [
    storedEvent({ sessionId: 1, ts: at(-20), path: '/early', referrerSource: 'Google' }),
    storedEvent({ sessionId: 1, ts: at(5), path: '/in', referrerSource: 'Bing' }),
    storedEvent({ sessionId: 1, ts: at(6), name: ENGAGEMENT, engagementMs: 12_000 }),
    storedEvent({ sessionId: 2, ts: at(10), path: '/whole', referrerSource: 'Google' }),
    storedEvent({ sessionId: 3, ts: at(50), path: '/spans', referrerSource: 'Google' }),
    storedEvent({ sessionId: 3, ts: at(70), path: '/spans-on' }),
    storedEvent({ sessionId: 4, ts: at(110), path: '/late', referrerSource: 'Google', visitorId: 9 }),
    storedEvent({ sessionId: 4, ts: at(130), name: 'Signup', path: '/late' }),
    storedEvent({ sessionId: 5, ts: at(200), path: '/outside' }),
  ];
  const range = { from: at(0), to: at(120) };
  const hours = [0, 1].map((hour) => ({ from: at(hour * 60), to: at((hour + 1) * 60) }));

  it('match the embedded store for visits inside, cut by either edge and spanning buckets, with and without visit filters', async () => {
    const sqlite = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
    const mingo = new MingoPipelineStore();
    try {
      await sqlite.insertEvents(events);
      // Late and out of order: every visit still ends up whole.
      await mingo.insertEvents([...events].reverse());
      for (const filters of [[], [fromGoogle]]) {
        const query = { site: SITE, range, filters };
        mingo.collectionsRun.length = 0;
        expect(await mingo.aggregate(query)).toEqual(await sqlite.aggregate(query));
        expect(await mingo.timeseries({ site: SITE, buckets: hours, filters })).toEqual(await sqlite.timeseries({ site: SITE, buckets: hours, filters }));
        for (const field of ['entry_page', 'exit_page', 'source'] as const) {
          const property = { scope: 'visit', field } as const;
          const sort = (rows: Array<{ value: string | null }>) => [...rows].sort((a, b) => String(a.value).localeCompare(String(b.value)));
          expect(sort(await mingo.breakdown({ ...query, property }))).toEqual(sort(await sqlite.breakdown({ ...query, property })));
        }
        // Each answer: the longest visit, the days pending a recount (none), the cut sessions, then the visits collection.
        expect(mingo.collectionsRun).toEqual(Array(5).fill(['visit_spans', 'rollup_repairs', 'visits', 'visits']).flat());
      }
    } finally {
      await sqlite.close();
    }
  });

  it('rebuilds from events only the visits the range cuts or that span buckets, counted as their part in the range', async () => {
    const mingo = new MingoPipelineStore();
    await mingo.insertEvents(events);
    mingo.pipelinesRun.length = 0;
    const measures = await mingo.aggregate({ site: SITE, range, filters: [] });
    // Session 1 counts from its part in the range: entered on /in from Bing, engaged, so no bounce.
    expect(measures).toEqual({ visitors: 2, visits: 4, pageviews: 5, events: 0, bounces: 2, visitPageviews: 5, engagementMs: 12_000 });
    const main = JSON.stringify(mingo.pipelinesRun[3]);
    expect(main).toContain('"$unionWith"');
    expect(main).toContain('"sessionId":{"$in":[1,4]}');
    await mingo.timeseries({ site: SITE, buckets: hours, filters: [] });
    expect(JSON.stringify(mingo.pipelinesRun[7])).toContain('"sessionId":{"$in":[1,3,4]}');
  });

  it('keeps reading events where event filters or event properties need them', async () => {
    const mingo = new MingoPipelineStore();
    await mingo.insertEvents(events);
    const onPage: Filter = { property: { scope: 'event', field: 'page' }, match: 'exact', values: ['/in'], negated: false };
    await mingo.aggregate({ site: SITE, range, filters: [onPage] });
    await mingo.breakdown({ site: SITE, range, filters: [], property: { scope: 'event', field: 'page' } });
    await mingo.aggregate({ site: SITE, range, filters: [], eventMeasuresOnly: true });
    // The range holds no whole rollup day: after the site's time zone, the events.
    expect(mingo.collectionsRun).toEqual(['events', 'events', 'sites', 'events']);
  });
});
