/**
 * Goal and funnel reads seek the events they name in events_site_name_path rather than read
 * every event in the range, or read no event where the rollups hold the answer: their SQL must
 * leave those conditions where SQLite can use them.
 * Each read's statements are planned (EXPLAIN QUERY PLAN) with the arguments they run with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PAGEVIEW } from '@sightline/shared';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { StatsReader } from '../src/store/sqlite/stats-reads.js';
import type { Filter, TimeRange } from '../src/store/types.js';
import { plannedReads, type PlannedReads } from './support/planned-reads.js';
import { storedEvent } from './support/store-basics.js';

const SITE = 'plans.example';
/** A site whose events go back a year: a week of it is read by time, but for an exact page. */
const LONG = 'long.example';
const START = Date.UTC(2026, 2, 1);
const RANGE: TimeRange = { from: START, to: START + 7 * 86_400_000 };

let dir: string;
let planned: PlannedReads;
let read: StatsReader;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sightline-plans-'));
  const file = path.join(dir, 'stats.db');
  const store = openSqliteStore({ file, synchronous: 'NORMAL' });
  await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
  await store.createSite({ domain: LONG, timezone: 'UTC', createdAt: START - 365 * 86_400_000 });
  await store.insertEvents([
    storedEvent({ site: SITE, hostname: SITE, ts: START + 1_000, path: '/pricing', visitorId: 1, sessionId: 1 }),
    storedEvent({ site: SITE, hostname: SITE, ts: START + 2_000, name: 'Signup', path: '/signup', visitorId: 1, sessionId: 1 }),
    storedEvent({ site: LONG, hostname: LONG, ts: START - 365 * 86_400_000, path: '/blog/old', visitorId: 2, sessionId: 2 }),
    storedEvent({ site: LONG, hostname: LONG, ts: START + 1_000, path: '/pricing', visitorId: 3, sessionId: 3 }),
  ]);
  await store.close();
  planned = plannedReads(file);
  read = planned.read;
});

beforeEach(() => {
  planned.clear();
});

afterAll(() => {
  planned.close();
  rmSync(dir, { recursive: true, force: true });
});

const exact = (field: 'name' | 'page', values: string[]): Filter => ({ property: { scope: 'event', field }, match: 'exact', values, negated: false });
const wildcard = (values: string[]): Filter => ({ property: { scope: 'event', field: 'page' }, match: 'wildcard', values, negated: false });

function expectIndex(index: string): void {
  expect(planned.plans.length).toBeGreaterThan(0);
  for (const plan of planned.plans) expect(plan).toContain(index);
}

const expectNamePathIndex = () => expectIndex('events_site_name_path');

describe('goal and funnel reads on SQLite', () => {
  it("count page goals over whole days from their pages' viewers in the rollups, reading no event", () => {
    const filters = [exact('name', [PAGEVIEW]), exact('page', ['/pricing', '/signup'])];
    const rows = read('breakdown', { site: SITE, range: RANGE, filters, property: { scope: 'event', field: 'page' }, eventMeasuresOnly: true });
    expect(rows.map((row) => [row.value, row.measures.visitors, row.measures.pageviews])).toEqual([['/pricing', 1, 1]]);
    expect(planned.plans).toEqual([]);
  });

  it('count a page pattern from the pageviews under its prefix', () => {
    read('aggregate', { site: SITE, range: RANGE, filters: [exact('name', [PAGEVIEW]), wildcard(['/blog/*'])], eventMeasuresOnly: true });
    expectNamePathIndex();
  });

  it('count a custom event goal from that event alone', () => {
    read('aggregate', { site: SITE, range: RANGE, filters: [exact('name', ['Signup'])], eventMeasuresOnly: true });
    expectNamePathIndex();
  });

  it('read a week of a year by time for a page pattern or a custom event, as those are sought over every day stored', () => {
    read('aggregate', { site: LONG, range: RANGE, filters: [exact('name', [PAGEVIEW]), wildcard(['/blog/*'])], eventMeasuresOnly: true });
    expectIndex('events_site_ts_stats');
    planned.clear();
    read('aggregate', { site: LONG, range: RANGE, filters: [exact('name', ['Signup'])], eventMeasuresOnly: true });
    expectIndex('events_site_ts_stats');
  });

  it('seek an exact page within the range whatever the history', () => {
    read('aggregate', { site: LONG, range: RANGE, filters: [exact('name', [PAGEVIEW]), exact('page', ['/pricing'])], eventMeasuresOnly: true });
    expectNamePathIndex();
  });

  it('read a funnel step by step', () => {
    const steps = [
      { type: 'page', value: '/pricing' },
      { type: 'event', value: 'Signup' },
      { type: 'page', value: '/blog/*' },
    ] as const;
    expect(read('funnel', { site: SITE, range: RANGE, filters: [], steps: [...steps] })).toEqual([1, 1, 0]);
    expectNamePathIndex();
  });
});
