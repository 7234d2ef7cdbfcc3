/**
 * The MongoDB store's dirty days and resumable time zone recounts (store/mongo/dirty-days.ts,
 * site-rebuilds.ts) on mingo: a batch whose visits or rollups a failure left wrong, that an insert
 * stored only part of, or whose process died, leaves its days marked; reads over them answer from
 * the events meanwhile; the maintenance run recounts them and the marks go. A time zone recount
 * cut off half-way resumes where it stopped. This checks the logic, not MongoDB.
 */
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { ABANDONED_AFTER_MS } from '../../src/store/mongo/dirty-days.js';
import type { StoredEvent } from '../../src/store/types.js';
import { MingoPipelineStore } from '../support/mingo-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-02T00:00:00Z');
const SITE = 'a.example';

function event(ts: number, visitorId: number, name = PAGEVIEW, path = '/'): StoredEvent {
  return {
    site: SITE, ts, name, path, hostname: SITE, referrer: null, referrerSource: null, utmSource: null, utmMedium: null,
    utmCampaign: null, utmTerm: null, utmContent: null, browser: null, os: null, device: null, country: null, screenWidth: null,
    visitorId, sessionId: visitorId * 1_000 + Math.floor(ts / DAY), engagementMs: name === ENGAGEMENT ? 1_000 : null, props: {},
  };
}

/** Three days of a few visitors, a visit spanning midnight included. */
const history = Array.from({ length: 90 }, (_, i) => event(START + i * 47 * 60_000, 1 + (i % 6), i % 4 === 0 ? 'Signup' : PAGEVIEW, `/p${i % 3}`));
const WEEK = { from: START, to: START + 7 * DAY };
const threeDays = [0, 1, 2].map((d) => ({ from: START + d * DAY, to: START + (d + 1) * DAY }));

async function newStore(timezone = 'UTC'): Promise<MingoPipelineStore> {
  const mingo = new MingoPipelineStore();
  mingo.now = START + 3 * DAY;
  await mingo.createSite({ domain: SITE, timezone, createdAt: START, public: false });
  return mingo;
}

/** The same keys in one order, so a visit rebuilt from its events compares equal to one merged batch by batch. */
const canonical = (document: Record<string, unknown>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(document).filter(([key]) => key !== '_id').sort(([a], [b]) => (a < b ? -1 : 1))));

/** What the store holds equals what a store given `events` without failures holds. */
async function matches(mingo: MingoPipelineStore, events: readonly StoredEvent[], timezone = 'UTC') {
  const reference = await newStore(timezone);
  await reference.insertEvents(events);
  const rows = (store: MingoPipelineStore) => ({
    groups: store.groupDocuments.documents.map(canonical).sort(),
    visitors: store.dayVisitorDocuments.documents.map(canonical).sort(),
    visits: store.visitDocuments.documents.map((visit) => canonical(visit as unknown as Record<string, unknown>)).sort(),
  });
  expect(rows(mingo)).toEqual(rows(reference));
}

/** The answers a dashboard reads from rollups and stored visits equal the embedded store's over the stored `events`. */
async function readsMatchEvents(mingo: MingoPipelineStore, events: readonly StoredEvent[]) {
  const sqlite = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
  try {
    await sqlite.createSite({ domain: SITE, timezone: (await mingo.getSite(SITE))!.timezone, createdAt: START, public: false });
    await sqlite.insertEvents(events);
    const query = { site: SITE, range: WEEK, filters: [] };
    expect(await mingo.aggregate({ ...query, eventMeasuresOnly: true })).toEqual(await sqlite.aggregate({ ...query, eventMeasuresOnly: true }));
    expect(await mingo.timeseries({ site: SITE, buckets: threeDays, filters: [], eventMeasuresOnly: true })).toEqual(
      await sqlite.timeseries({ site: SITE, buckets: threeDays, filters: [], eventMeasuresOnly: true }),
    );
    expect(await mingo.aggregate(query)).toEqual(await sqlite.aggregate(query));
  } finally {
    await sqlite.close();
  }
}

const failing = async () => {
  throw new Error('bulkWrite failed (injected)');
};

describe('dirty days of the MongoDB store (on mingo)', () => {
  it('are left marked when a count and its repair both fail, read from the events, and recounted by the maintenance run', async () => {
    const mingo = await newStore();
    await mingo.insertEvents(history.slice(0, 40));
    mingo.groupDocuments.bulkWrite = failing;
    await expect(mingo.insertEvents(history.slice(40))).rejects.toThrow('injected');
    delete (mingo.groupDocuments as { bulkWrite?: unknown }).bulkWrite;

    const marked = mingo.dirtyDayDocuments.documents;
    expect(marked.map((m) => m.from.getTime()).sort()).toEqual([START + DAY, START + 2 * DAY]);
    expect(marked.every((m) => m.pending.length === 1 && m.pending[0]!.at.getTime() === 0)).toBe(true);
    await readsMatchEvents(mingo, history);

    expect(await mingo.repairPending(mingo.now)).toBe(2);
    expect(mingo.dirtyDayDocuments.documents).toEqual([]);
    await matches(mingo, history);
  });

  it('are recounted, visits included, after an insert stored part of a batch and threw', async () => {
    const mingo = await newStore();
    mingo.storeOnly = 50;
    await expect(mingo.insertEvents(history)).rejects.toThrow('injected');
    mingo.storeOnly = undefined;
    // The stored part was never counted: no visits, no rollups.
    expect(mingo.visitDocuments.documents).toEqual([]);
    expect(mingo.dirtyDayDocuments.documents).toHaveLength(3);

    await readsMatchEvents(mingo, history.slice(0, 50));

    expect(await mingo.repairPending(mingo.now)).toBe(3);
    expect(mingo.dirtyDayDocuments.documents).toEqual([]);
    await matches(mingo, history.slice(0, 50));
  });

  it('stay marked by a batch still running, and are recounted once it is older than any batch runs', async () => {
    const mingo = await newStore();
    await mingo.insertEvents(history.slice(0, 30));
    // The process dies while counting the rollups: the count never settles.
    mingo.groupDocuments.bulkWrite = () => new Promise(() => undefined);
    void mingo.insertEvents(history.slice(30));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mingo.dirtyDayDocuments.documents).not.toEqual([]);

    expect(await mingo.repairPending(mingo.now)).toBe(0);
    mingo.now += ABANDONED_AFTER_MS + 1;
    await readsMatchEvents(mingo, history);
    // The next server on the same collections finds the day due.
    delete (mingo.groupDocuments as { bulkWrite?: unknown }).bulkWrite;
    expect(await mingo.repairPending(mingo.now)).toBeGreaterThan(0);
    expect(mingo.dirtyDayDocuments.documents).toEqual([]);
    await matches(mingo, history);
  });

  it('are not settled while another batch writes the same day', async () => {
    const mingo = await newStore();
    await mingo.insertEvents(history.slice(0, 30));
    mingo.groupDocuments.bulkWrite = failing;
    await expect(mingo.insertEvents(history.slice(30, 40))).rejects.toThrow('injected');
    const marked = [...mingo.dirtyDayDocuments.documents];
    expect(marked).toHaveLength(2);
    for (const day of marked) day.pending.push({ id: 'running', at: new Date(mingo.now) });
    delete (mingo.groupDocuments as { bulkWrite?: unknown }).bulkWrite;
    expect(await mingo.repairPending(mingo.now)).toBe(0);
    for (const day of marked) day.pending.pop();
    expect(await mingo.repairPending(mingo.now)).toBe(marked.length);
    await mingo.insertEvents(history.slice(40));
    expect(mingo.dirtyDayDocuments.documents).toEqual([]);
    await matches(mingo, history);
  });

  it('leave nothing behind a batch that succeeded', async () => {
    const mingo = await newStore();
    await mingo.insertEvents(history);
    expect(mingo.dirtyDayDocuments.documents).toEqual([]);
  });
});

describe('a time zone recount of the MongoDB store (on mingo)', () => {
  it('cut off half-way is read from the events, and resumed from where it stopped once its lease runs out', async () => {
    const mingo = await newStore('UTC');
    const weeks = Array.from({ length: 60 }, (_, i) => event(START + i * 7 * HOUR, 1 + (i % 4)));
    await mingo.insertEvents(weeks);
    // The process dies after the first week is recounted.
    const recountDays = mingo.rollups.recountDays.bind(mingo.rollups);
    mingo.rollups.recountDays = (site, from, to, progress) =>
      recountDays(site, from, to, async (next) => {
        await progress(next);
        throw new Error('the process died (injected)');
      });
    await expect(mingo.updateSite(SITE, { timezone: 'Asia/Kolkata' })).rejects.toThrow('injected');
    mingo.rollups.recountDays = recountDays;
    const [marker] = mingo.rebuildDocuments.documents;
    expect(marker).toMatchObject({ _id: SITE, holder: 'this-server' });
    // Kolkata's days start at 18:30 UTC: the first day began the evening before START, and a week later the rest.
    expect(marker!.from!.getTime()).toBe(START - 5.5 * HOUR + 7 * DAY);
    await readsMatchEvents(mingo, weeks);

    // Another server leaves a rebuild alone while its lease runs.
    expect(await mingo.repairPending(mingo.now)).toBe(0);
    mingo.now += 600_000;
    expect(await mingo.repairPending(mingo.now)).toBe(1);
    expect(mingo.rebuildDocuments.documents).toEqual([]);
    await matches(mingo, weeks, 'Asia/Kolkata');
  });

  it('leaves no marker once it finishes, nor for a site that does not exist', async () => {
    const mingo = await newStore('UTC');
    await mingo.insertEvents(history);
    await mingo.updateSite(SITE, { timezone: 'Europe/Berlin' });
    expect(await mingo.updateSite('missing.example', { timezone: 'Europe/Berlin' })).toBeNull();
    expect(mingo.rebuildDocuments.documents).toEqual([]);
    await matches(mingo, history, 'Europe/Berlin');
  });
});
