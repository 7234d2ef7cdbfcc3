/**
 * A purge that cuts several visits of one visitor on one day rebuilds each from its remaining
 * events. The visit rollups count the visitor once per group from their other visits in the
 * table, so while one visit is rebuilt the others must be there, as they were or as they became.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore } from '../src/store/types.js';
import { storedEvent } from './support/store-basics.js';

const SITE = 'purged.example';
const DAY = 86_400_000;
const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 2);
const TEN = START + 10 * 60 * MINUTE;

describe('a purge that cuts two visits of one visitor', () => {
  let dir: string;
  let store: EventStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sightline-purge-visits-'));
    store = openSqliteStore({ file: path.join(dir, 'stats.db'), synchronous: 'NORMAL' });
    await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the visitor once in each source their visits have afterwards', async () => {
    const event = (sessionId: number, ts: number, referrerSource: string | null) =>
      storedEvent({ site: SITE, hostname: SITE, ts, visitorId: 5, sessionId, referrerSource });
    // Both visits begin without a source; the first one's later pageview came from Google.
    await store.insertEvents([event(1, TEN, null), event(2, TEN + MINUTE, null), event(1, TEN + 10 * MINUTE, 'Google'), event(2, TEN + 20 * MINUTE, null)]);
    const bySource = async () => {
      const rows = await store.breakdown({ site: SITE, range: { from: START, to: START + DAY }, filters: [], property: { scope: 'visit', field: 'source' } });
      return rows.map((row) => [row.value, row.measures.visitors, row.measures.visits]).sort(([a], [b]) => String(a).localeCompare(String(b)));
    };
    expect(await bySource()).toEqual([[null, 1, 2]]);

    expect(await store.purgeEvents(SITE, TEN + 2 * MINUTE)).toBe(2);
    expect(await bySource()).toEqual([['Google', 1, 1], [null, 1, 1]]);
  });
});
