/**
 * Visitors seen on several days are counted once in an unfiltered visit breakdown: the rollups
 * count them once per day, and the correction reads back every visit of theirs in the range
 * (visits flagged multi). In each case a value is theirs on two days, so a visit the correction
 * missed leaves its visitor counted twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PAGEVIEW } from '@sightline/shared';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore, StoredEvent } from '../src/store/types.js';
import { storedEvent } from './support/store-basics.js';

const SITE = 'multi.example';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 1);
const RANGE = { from: START, to: START + 3 * DAY };
const IDENTIFIED = 7;

let dir: string;
let store: EventStore;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sightline-multi-'));
  store = openSqliteStore({ file: path.join(dir, 'stats.db'), synchronous: 'NORMAL' });
  await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const pageview = (sessionId: number, ts: number, country: string): StoredEvent =>
  storedEvent({ site: SITE, ts, name: PAGEVIEW, path: '/', hostname: SITE, visitorId: IDENTIFIED, sessionId, country });

async function visitorsByCountry(): Promise<Record<string, number>> {
  const rows = await store.breakdown({ site: SITE, range: RANGE, filters: [], property: { scope: 'visit', field: 'country' } });
  return Object.fromEntries(rows.map((row) => [row.value, row.measures.visitors]));
}

describe('a visitor seen on several days', () => {
  it('counts once per value for a visit that starts on a day already recorded for them', async () => {
    await store.insertEvents([pageview(1, START + 10 * HOUR, 'DE')]);
    await store.insertEvents([pageview(2, START + DAY + 10 * HOUR, 'FR')]);
    await store.insertEvents([pageview(3, START + DAY + 12 * HOUR, 'DE')]);

    expect(await visitorsByCountry()).toEqual({ DE: 1, FR: 1 });
    expect((await store.aggregate({ site: SITE, range: RANGE, filters: [] })).visitors).toBe(1);
  });

  it('counts once per value for a visit whose start moved with a late event', async () => {
    await store.insertEvents([pageview(1, START + 10 * HOUR, 'DE')]);
    await store.insertEvents([pageview(2, START + DAY + 10 * HOUR, 'FR')]);
    await store.insertEvents([pageview(3, START + DAY + 12 * HOUR, 'FR')]);
    // Earlier than the visit's first event, and with another country: the visit's row is written anew.
    await store.insertEvents([pageview(3, START + DAY + 11 * HOUR + 50 * 60_000, 'DE')]);

    expect(await visitorsByCountry()).toEqual({ DE: 1, FR: 1 });
  });

  it('counts once when they become a visitor of several days after visits of their first day', async () => {
    await store.insertEvents([pageview(1, START + 10 * HOUR, 'DE'), pageview(2, START + 12 * HOUR, 'US')]);
    await store.insertEvents([pageview(3, START + 2 * DAY + 10 * HOUR, 'DE')]);

    expect(await visitorsByCountry()).toEqual({ DE: 1, US: 1 });
    expect((await store.aggregate({ site: SITE, range: RANGE, filters: [] })).visitors).toBe(1);
  });
});
