/**
 * The MongoDB store's per-day rollups (store/mongo/rollups.ts) on mingo: after random batches,
 * with resent batches and rollup writes failing part-way, the rollup documents equal a plain
 * count of the stored events; unfiltered event-measure reads come from them and not from the
 * events; purges, site deletion, a time zone change and the first start on older events keep
 * them equal to that count. This checks the writes' and pipelines' logic, not MongoDB.
 */
import fc from 'fast-check';
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { zoneDays, type RollupDays } from '../../src/store/rollup-days.js';
import { backfillRollups, countedOnStandardDays, ROLLUPS_LOCAL_DAYS } from '../../src/store/mongo/rollup-backfill.js';
import type { StoredEvent } from '../../src/store/types.js';
import { MingoPipelineStore } from '../support/mingo-store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-01T00:00:00Z');
const SITE = 'a.example';

function event(ts: number, visitorId: number, name: string, path: string): StoredEvent {
  return {
    site: SITE, ts, name, path, hostname: SITE, referrer: null, referrerSource: null, utmSource: null, utmMedium: null,
    utmCampaign: null, utmTerm: null, utmContent: null, browser: null, os: null, device: null, country: null, screenWidth: null,
    visitorId, sessionId: visitorId * 1_000 + Math.floor(ts / DAY), engagementMs: name === ENGAGEMENT ? 1_000 : null, props: {},
  };
}

/** Groups and visitor rows as the rollups should hold them, counted plainly from the events. */
function plainCount(events: readonly StoredEvent[], siteDays: RollupDays) {
  const groups = new Map<string, { visitors: Set<number>; pageviews: number; events: number }>();
  const days = new Map<string, Set<number>>();
  for (const e of events) {
    if (e.name === ENGAGEMENT) continue;
    const day = siteDays.day(e.ts);
    for (const [field, value] of [['*', null], ['page', e.path], ['name', e.name]] as const) {
      const key = JSON.stringify([field, day, value]);
      const group = groups.get(key) ?? { visitors: new Set(), pageviews: 0, events: 0 };
      group.visitors.add(e.visitorId);
      if (e.name === PAGEVIEW) group.pageviews++;
      else group.events++;
      groups.set(key, group);
      const id = JSON.stringify([field, value, e.visitorId]);
      days.set(id, (days.get(id) ?? new Set()).add(day));
    }
  }
  const visitorRows = [...days].flatMap(([id, seen]) => {
    const [field, value, visitorId] = JSON.parse(id) as [string, string | null, number];
    return [...seen].map((day) => JSON.stringify([field, value, visitorId, day, seen.size > 1]));
  });
  return {
    groups: [...groups].map(([key, g]) => JSON.stringify([...(JSON.parse(key) as unknown[]), g.visitors.size, g.pageviews, g.events])).sort(),
    visitors: visitorRows.sort(),
  };
}

function stored(mingo: MingoPipelineStore) {
  const rows = (documents: Array<Record<string, unknown>>, fields: string[]) =>
    documents.filter((d) => d.site === SITE).map((d) => JSON.stringify(fields.map((f) => d[f] ?? null))).sort();
  return {
    groups: rows(mingo.groupDocuments.documents, ['field', 'day', 'value', 'visitors', 'pageviews', 'events']),
    visitors: rows(mingo.dayVisitorDocuments.documents, ['field', 'value', 'visitorId', 'day', 'multi']),
  };
}

const eventArbitrary = fc
  .record({
    at: fc.integer({ min: 0, max: 5 * DAY }),
    // Few ids over five days: most visitors come back on other days, as identified ones do.
    visitor: fc.integer({ min: 1, max: 5 }),
    name: fc.constantFrom(PAGEVIEW, PAGEVIEW, ENGAGEMENT, 'Signup'),
    path: fc.constantFrom('/', '/a', '/$b'),
  })
  .map(({ at, visitor, name, path }) => event(START + at, visitor, name, path));

async function newStore(timezone: string): Promise<MingoPipelineStore> {
  const mingo = new MingoPipelineStore();
  await mingo.createSite({ domain: SITE, timezone, createdAt: START, public: false });
  return mingo;
}

describe('per-day rollups of the MongoDB store (on mingo)', () => {
  it('equal a plain count of the stored events after random batches, resends and failed writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            events: fc.array(eventArbitrary, { minLength: 1, maxLength: 8 }),
            // A batch refused after part of it was stored comes again: the store counts what it holds.
            resent: fc.boolean(),
            fail: fc.constantFrom(undefined, 'groups', 'visitors'),
          }),
          { maxLength: 10 },
        ),
        fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata'),
        async (batches, timezone) => {
          const mingo = await newStore(timezone);
          const all: StoredEvent[] = [];
          for (const { events, resent, fail } of batches) {
            if (fail === 'groups') mingo.groupDocuments.failAfter = 0;
            if (fail === 'visitors') mingo.dayVisitorDocuments.failAfter = 0;
            for (const copy of resent ? [events, events] : [events]) {
              await mingo.insertEvents(copy);
              all.push(...copy);
            }
            mingo.groupDocuments.failAfter = undefined;
            mingo.dayVisitorDocuments.failAfter = undefined;
          }
          expect(stored(mingo)).toEqual(plainCount(all, zoneDays(timezone)));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('serve unfiltered event measures over whole days from the rollup documents, not the events', async () => {
    const mingo = await newStore('UTC');
    const events = Array.from({ length: 600 }, (_, i) => event(START + (i % 3) * DAY + i * 1_000, 1 + (i % 7), i % 5 === 0 ? 'Signup' : PAGEVIEW, `/p${i % 4}`));
    await mingo.insertEvents(events);
    mingo.collectionsRun.length = 0;
    mingo.pipelinesRun.length = 0;
    const range = { from: START, to: START + 3 * DAY };
    const measures = await mingo.aggregate({ site: SITE, range, filters: [], eventMeasuresOnly: true });
    expect(measures).toMatchObject({ visitors: 7, pageviews: 480, events: 120 });
    // The site's time zone, the days pending a recount (none), then one pipeline on the groups with the visitor rows' correction.
    expect(mingo.collectionsRun).toEqual(['sites', 'rollup_repairs', 'day_groups']);
    expect(JSON.stringify(mingo.pipelinesRun[2])).toContain('"$unionWith":{"coll":"day_visitors"');
    // 600 events, 3 days: 3 total groups, and only the 7 returning ids' 21 rows are read for the correction.
    expect(mingo.groupDocuments.documents.filter((d) => d.field === '*')).toHaveLength(3);
    expect(mingo.dayVisitorDocuments.documents.filter((d) => d.field === '*' && d.multi === true)).toHaveLength(21);

    mingo.collectionsRun.length = 0;
    const pages = await mingo.breakdown({ site: SITE, range, filters: [], property: { scope: 'event', field: 'page' }, eventMeasuresOnly: true });
    expect(pages).toHaveLength(4);
    const series = await mingo.timeseries({ site: SITE, buckets: [0, 1, 2].map((d) => ({ from: START + d * DAY, to: START + (d + 1) * DAY })), filters: [], eventMeasuresOnly: true });
    expect(series.map((m) => m.pageviews + m.events)).toEqual([200, 200, 200]);
    expect(mingo.collectionsRun).toEqual(['sites', 'rollup_repairs', 'day_groups', 'sites', 'rollup_repairs', 'day_groups']);

    // Half a day at each end: the edges are read from the events, the whole day from the rollups.
    mingo.collectionsRun.length = 0;
    const cut = await mingo.aggregate({ site: SITE, range: { from: START + DAY / 2, to: START + 2.5 * DAY }, filters: [], eventMeasuresOnly: true });
    const plain = events.filter((e) => e.ts >= START + DAY / 2 && e.ts < START + 2.5 * DAY);
    expect(cut).toMatchObject({ visitors: new Set(plain.map((e) => e.visitorId)).size, pageviews: plain.filter((e) => e.name === PAGEVIEW).length });
    expect(mingo.collectionsRun).toEqual(['sites', 'rollup_repairs', 'day_groups', 'events', 'day_visitors']);
  });

  it("serve a Berlin site's chart by day in summer from the rollup documents: its days are local dates", async () => {
    const mingo = await newStore('Europe/Berlin');
    const berlin = zoneDays('Europe/Berlin');
    const july = berlin.day(Date.parse('2026-07-10T12:00:00Z'));
    // Local 00:30 (22:30 UTC the day before) and noon of three July days.
    const events = [0, 1, 2].flatMap((d) => [event(berlin.start(july + d) + HOUR / 2, 1 + d, PAGEVIEW, '/'), event(berlin.start(july + d) + 12 * HOUR, 5 + d, PAGEVIEW, '/')]);
    await mingo.insertEvents(events);
    mingo.collectionsRun.length = 0;
    const buckets = [0, 1, 2].map((d) => ({ from: berlin.start(july + d), to: berlin.start(july + d + 1) }));
    const series = await mingo.timeseries({ site: SITE, buckets, filters: [], eventMeasuresOnly: true });
    expect(series.map((m) => [m.visitors, m.pageviews])).toEqual([[2, 2], [2, 2], [2, 2]]);
    expect(mingo.collectionsRun).toEqual(['sites', 'rollup_repairs', 'day_groups']);
  });

  it('are recounted at the first start for the sites whose days used to start at their midnight in standard time', async () => {
    expect(countedOnStandardDays({ timezone: 'Europe/Berlin', createdAt: new Date(START) })).toBe(true);
    expect(countedOnStandardDays({ timezone: 'America/New_York', createdAt: new Date(START) })).toBe(true);
    expect(countedOnStandardDays({ timezone: 'UTC', createdAt: new Date(START) })).toBe(false);
    expect(countedOnStandardDays({ timezone: 'Asia/Kolkata', createdAt: new Date(START) })).toBe(false);

    const mingo = await newStore('Europe/Berlin');
    const events = Array.from({ length: 120 }, (_, i) => event(Date.parse('2026-07-01T00:00:00Z') + i * 50 * 60_000, 1 + (i % 5), PAGEVIEW, `/p${i % 3}`));
    await mingo.insertEvents(events);
    await mingo.rollups.deleteSite(SITE);
    const markers: string[] = [];
    await backfillRollups({
      marker: ROLLUPS_LOCAL_DAYS,
      rollups: mingo.rollups,
      migrations: {
        findOne: async (filter: Record<string, unknown>) => (markers.includes((filter._id as { $eq: string }).$eq) ? { _id: 'done' } : null),
        updateOne: async (filter: Record<string, unknown>) => void markers.push((filter._id as { $eq: string }).$eq),
      },
      sites: async () => [SITE],
      claim: async () => true,
      pause: async () => undefined,
      now: () => new Date(START),
    });
    expect(markers).toEqual(['rollups-local-days']);
    expect(stored(mingo)).toEqual(plainCount(events, zoneDays('Europe/Berlin')));
  });

  it('follow purges, site deletion and a change of time zone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArbitrary, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 5 * DAY }), async (events, cutAt) => {
        const mingo = await newStore('Europe/Berlin');
        await mingo.insertEvents(events);
        await mingo.purgeEvents(SITE, START + cutAt);
        const kept = events.filter((e) => e.ts >= START + cutAt);
        // A purge may leave an id flagged whose other days went: harmless, so only the rest is compared.
        const unflagged = (rows: string[]) => rows.map((row) => JSON.stringify((JSON.parse(row) as unknown[]).slice(0, 4)));
        const after = stored(mingo);
        const expected = plainCount(kept, zoneDays('Europe/Berlin'));
        expect(after.groups).toEqual(expected.groups);
        expect(unflagged(after.visitors)).toEqual(unflagged(expected.visitors));

        await mingo.updateSite(SITE, { timezone: 'America/New_York' });
        expect(stored(mingo)).toEqual(plainCount(kept, zoneDays('America/New_York')));
        await mingo.deleteSite(SITE);
        expect(mingo.groupDocuments.documents).toEqual([]);
        expect(mingo.dayVisitorDocuments.documents).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('are counted at the first start on events stored without them, by one server while the others wait', async () => {
    const mingo = await newStore('Asia/Kolkata');
    const events = Array.from({ length: 200 }, (_, i) => event(START + i * 40 * 60_000, 1 + (i % 9), i % 3 === 0 ? 'Signup' : PAGEVIEW, `/p${i % 5}`));
    await mingo.insertEvents(events);
    const expected = plainCount(events, zoneDays('Asia/Kolkata'));
    // As a database written before the rollups existed.
    await mingo.rollups.deleteSite(SITE);
    expect(mingo.groupDocuments.documents).toEqual([]);

    const markers: Array<{ _id: string }> = [];
    const migrations = {
      findOne: async (filter: Record<string, unknown>) => markers.find((m) => m._id === (filter._id as { $eq: string }).$eq) ?? null,
      updateOne: async (filter: Record<string, unknown>) => void markers.push({ _id: (filter._id as { $eq: string }).$eq }),
    };
    let holder: string | undefined;
    const server = (name: string) =>
      backfillRollups({
        marker: 'rollups-from-events',
        rollups: mingo.rollups,
        migrations,
        sites: async () => [SITE],
        claim: async () => {
          holder ??= name;
          return holder === name;
        },
        pause: () => new Promise((resolve) => setTimeout(resolve, 5)),
        now: () => new Date(START),
      });
    await Promise.all([server('one'), server('two')]);
    expect(markers).toEqual([{ _id: 'rollups-from-events' }]);
    expect(stored(mingo)).toEqual(expected);
  });
});
