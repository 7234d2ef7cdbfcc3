/**
 * Rollup days are each site's local dates (store/rollup-days.ts): 23 or 25 hours where the clocks
 * change, none where a zone skipped a date. A Berlin site's chart by day in summer is read from
 * its rollups, and moving a site to a zone with other days recounts them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DAY_MS, fixedDays, splitDays, zoneDays } from '../src/store/rollup-days.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore, TimeRange } from '../src/store/types.js';
import { plannedReads } from './support/planned-reads.js';
import { storedEvent } from './support/store-basics.js';

const HOUR = 3_600_000;
const dayOf = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;

describe('rollup days', () => {
  const berlin = zoneDays('Europe/Berlin');

  it("are a zone's local dates, from midnight to midnight", () => {
    expect(new Date(berlin.start(dayOf('2026-01-15'))).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(new Date(berlin.start(dayOf('2026-07-15'))).toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(berlin.day(Date.parse('2026-07-14T22:00:00Z'))).toBe(dayOf('2026-07-15'));
    expect(berlin.day(Date.parse('2026-07-14T21:59:59.999Z'))).toBe(dayOf('2026-07-14'));
  });

  it('last 23 or 25 hours where the clocks change, and are skipped with a date a zone skipped', () => {
    const length = (days: typeof berlin, date: string) => (days.start(dayOf(date) + 1) - days.start(dayOf(date))) / HOUR;
    expect(length(berlin, '2026-03-29')).toBe(23);
    expect(length(berlin, '2026-10-25')).toBe(25);
    expect(length(berlin, '2026-10-26')).toBe(24);
    // Samoa moved across the date line: 30 December 2011 never happened there.
    expect(length(zoneDays('Pacific/Apia'), '2011-12-30')).toBe(0);
    expect(length(zoneDays('Pacific/Apia'), '2011-12-31')).toBe(24);
  });

  it('hold every instant in the day that starts at or before it', () => {
    for (const zone of ['Europe/Berlin', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Apia', 'America/Sao_Paulo']) {
      const days = zoneDays(zone);
      const outside: string[] = [];
      for (let ts = Date.UTC(2011, 0, 1); ts < Date.UTC(2019, 0, 1); ts += 97 * 60_000) {
        const day = days.day(ts);
        if (!(days.start(day) <= ts && ts < days.start(day + 1))) outside.push(`${zone} ${new Date(ts).toISOString()}`);
      }
      expect(outside).toEqual([]);
    }
  });

  it('of a fixed offset, or of a name that is no zone, are whole days of 24 hours', () => {
    const india = fixedDays(19_800_000);
    expect(india.start(10) - india.start(9)).toBe(DAY_MS);
    expect(zoneDays('Mars/Olympus').key).toBe(fixedDays(0).key);
    expect(zoneDays('Asia/Kolkata').key).toBe(india.key);
  });

  it('split a range of local days into whole rollup days without edges', () => {
    const range: TimeRange = { from: berlin.start(dayOf('2026-03-27')), to: berlin.start(dayOf('2026-04-02')) };
    expect(splitDays(range, berlin)).toEqual({ lo: dayOf('2026-03-27'), hi: dayOf('2026-04-02'), edges: [] });
  });
});

describe('a site in a zone with daylight-saving time', () => {
  const SITE = 'berlin.example';
  const berlin = zoneDays('Europe/Berlin');
  const JULY = dayOf('2026-07-10');
  let dir: string;
  let file: string;
  let store: EventStore;

  const buckets = (days: number): TimeRange[] =>
    Array.from({ length: days }, (_, i) => ({ from: berlin.start(JULY + i), to: berlin.start(JULY + i + 1) }));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sightline-local-days-'));
    file = path.join(dir, 'stats.db');
    store = openSqliteStore({ file, synchronous: 'NORMAL' });
    await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: Date.UTC(2026, 0, 1) });
    // Each July day: a visitor at local 00:30 (22:30 UTC the evening before) and one at noon.
    await store.insertEvents(
      Array.from({ length: 3 }, (_, i) => [
        storedEvent({ site: SITE, hostname: SITE, ts: berlin.start(JULY + i) + HOUR / 2, visitorId: 10 + i, sessionId: 10 + i }),
        storedEvent({ site: SITE, hostname: SITE, ts: berlin.start(JULY + i) + 12 * HOUR, visitorId: 20 + i, sessionId: 20 + i }),
      ]).flat(),
    );
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads its chart by day in summer from the rollups once moved to the zone, which recounts its days', async () => {
    const chart = () => {
      const planned = plannedReads(file);
      try {
        const series = planned.read('timeseries', { site: SITE, buckets: buckets(3), filters: [], eventMeasuresOnly: true });
        return { counts: series.map((m) => [m.visitors, m.pageviews]), plans: planned.plans };
      } finally {
        planned.close();
      }
    };
    // Counted on UTC days, each local day is two parts of days read from the events.
    const before = chart();
    expect(before.counts).toEqual([[2, 2], [2, 2], [2, 2]]);
    expect(before.plans.length).toBeGreaterThan(0);
    await store.updateSite(SITE, { timezone: 'Europe/Berlin' });
    expect(chart()).toEqual({ counts: [[2, 2], [2, 2], [2, 2]], plans: [] });
  });

  it('counts a visitor seen on several local days once, though two of their visits fall on one day in Berlin and two in UTC', async () => {
    const visit = (ts: number, sessionId: number) => storedEvent({ site: SITE, hostname: SITE, ts, visitorId: 99, sessionId, country: 'FR' });
    const day = JULY + 5;
    // 00:30 and 12:00 on one local day, the first still the day before in UTC; and two days later.
    await store.insertEvents([visit(berlin.start(day) + HOUR / 2, 901), visit(berlin.start(day) + 12 * HOUR, 902), visit(berlin.start(day + 2) + 12 * HOUR, 903)]);
    const range = { from: berlin.start(day), to: berlin.start(day + 3) };
    const rows = await store.breakdown({ site: SITE, range, filters: [], property: { scope: 'visit', field: 'country' } });
    expect(rows.map((row) => [row.value, row.measures.visitors, row.measures.visits])).toEqual([['FR', 1, 3]]);
  });
});
