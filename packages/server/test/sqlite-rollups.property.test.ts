/**
 * The SQLite store answers event measures from per-day rollups kept at insert time (days of a
 * site off UTC start at its own midnight), reading events only for the parts of days at a range's edges. Generated histories check them against counts made here in plain JS from the
 * events that remain: totals, breakdowns by page and by event name (unfiltered and with exact
 * filters on their own values), identified visitors seen on several days, anonymous ones on one,
 * late events for past days, purges on and between UTC midnights, and databases written before
 * the rollups, or the ones by event name, existed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore, Filter, Measures, StoredEvent, TimeRange } from '../src/store/types.js';
import { UNDO_LOCAL_DAYS, UNDO_PAGE_VIEWERS, UNDO_PROJECTION } from './support/migration-undos.js';
import { storedEvent } from './support/store-basics.js';

const DAY = 86_400_000;
// The days around the night Berlin's clocks go forward (29 March, 01:00 UTC).
const START = Date.UTC(2026, 2, 26);
const DAYS = 6;
const SITE = 'rollups.example';
const OTHER = 'other.example';
const PAGES = ['/', '/a', '/b', '/c'];
const NAMES = ['pageview', 'Signup', 'Download', 'engagement'];
const page = { scope: 'event', field: 'page' } as const;
const name = { scope: 'event', field: 'name' } as const;

interface Generated {
  site: string;
  day: number;
  ms: number;
  /** 1-4: identified, the same id on every day; otherwise anonymous, an id of that day only. */
  visitor: number;
  path: string;
  name: string;
}

const generatedEvent = fc.record({
  site: fc.constantFrom(SITE, SITE, SITE, OTHER),
  day: fc.integer({ min: 0, max: DAYS - 1 }),
  ms: fc.oneof(fc.constantFrom(0, 1, DAY - 1), fc.integer({ min: 0, max: DAY - 1 })),
  visitor: fc.integer({ min: 1, max: 8 }),
  path: fc.constantFrom(...PAGES),
  name: fc.constantFrom('pageview', 'pageview', 'Signup', 'Download', 'engagement'),
});

let session = 0;
function toStored(g: Generated): StoredEvent {
  return storedEvent({
    site: g.site,
    ts: START + g.day * DAY + g.ms,
    name: g.name,
    path: g.path,
    hostname: g.site,
    visitorId: g.visitor <= 4 ? g.visitor : 1_000 + g.day * 10 + g.visitor,
    sessionId: ++session,
  });
}

type Operation = { insert: Generated[] } | { purgeBefore: number; site: string };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.array(generatedEvent, { minLength: 1, maxLength: 25 }).map((insert) => ({ insert })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 0, max: DAYS }),
        fc.oneof(fc.constant(0), fc.constant(DAY - 19_800_000), fc.integer({ min: 1, max: DAY - 1 })),
        fc.constantFrom(SITE, OTHER),
      )
      .map(([day, ms, site]) => ({ purgeBefore: START + day * DAY + ms, site })),
  },
);

interface Query {
  range: TimeRange;
  /** The range in buckets of a day (the last one cut at the range's end). */
  days: TimeRange[];
  /** The range split at random instants. */
  chunks: TimeRange[];
  /** Exact filters on the grouped field of a breakdown by page and one by name, as the dashboard's custom events panel asks. */
  pages: ValueFilter;
  names: ValueFilter;
}

interface ValueFilter {
  values: string[];
  negated: boolean;
}

const valueFilter = (values: string[]) => fc.record({ values: fc.subarray(values), negated: fc.boolean() });

/** Mostly UTC midnights; otherwise an hour off one, as a site's time zone makes it, or anywhere. */
const instant = fc
  .tuple(
    fc.integer({ min: -1, max: DAYS + 1 }),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constantFrom(3_600_000, DAY - 3_600_000, DAY - 7_200_000) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: DAY - 1 }) },
    ),
  )
  .map(([day, ms]) => START + day * DAY + ms);

const query: fc.Arbitrary<Query> = fc.tuple(instant, instant, fc.array(instant), valueFilter(PAGES), valueFilter(NAMES)).map(([a, b, cuts, pages, names]) => {
  const [from, to] = a <= b ? [a, b] : [b, a];
  const days: TimeRange[] = [];
  for (let t = from; t < to; t += DAY) days.push({ from: t, to: Math.min(t + DAY, to) });
  const edges = [...new Set([from, ...cuts.filter((cut) => cut > from && cut < to), to])].sort((x, y) => x - y);
  return { range: { from, to }, days, chunks: edges.slice(1).map((edge, i) => ({ from: edges[i]!, to: edge })), pages, names };
});

type Counts = Pick<Measures, 'visitors' | 'pageviews' | 'events'>;

function oracle(events: readonly StoredEvent[], site: string, range: TimeRange): Counts {
  const counted = events.filter((e) => e.site === site && e.name !== 'engagement' && e.ts >= range.from && e.ts < range.to);
  return {
    visitors: new Set(counted.map((e) => e.visitorId)).size,
    pageviews: counted.filter((e) => e.name === 'pageview').length,
    events: counted.filter((e) => e.name !== 'pageview').length,
  };
}

/** Groups by the event's value of `key` that pass the filter, each counted over its own events. */
function oracleBy(events: readonly StoredEvent[], site: string, range: TimeRange, key: 'path' | 'name', filter?: ValueFilter) {
  const kept = events.filter((e) => filter === undefined || filter.values.includes(e[key]) !== filter.negated);
  const values = new Set(kept.filter((e) => e.site === site && e.name !== 'engagement' && e.ts >= range.from && e.ts < range.to).map((e) => e[key]));
  return [...values].sort().map((value) => ({ value, ...oracle(kept.filter((e) => e[key] === value), site, range) }));
}

const counts = (m: Measures): Counts => ({ visitors: m.visitors, pageviews: m.pageviews, events: m.events });

const pageviewsOnly: Filter = { property: name, match: 'exact', values: ['pageview'], negated: false };

/** `viewed`: of pageviews only, as a breakdown of page goals asks. */
async function breakdownBy(store: EventStore, site: string, range: TimeRange, property: typeof page | typeof name, filter?: ValueFilter, viewed = false) {
  const filters: Filter[] = filter === undefined ? [] : [{ property, match: 'exact' as const, ...filter }];
  if (viewed) filters.push(pageviewsOnly);
  const rows = await store.breakdown({ site, range, filters, property, eventMeasuresOnly: true });
  return rows.map((row) => ({ value: row.value, ...counts(row.measures) })).sort((x, y) => (x.value! < y.value! ? -1 : 1));
}

async function expectOracle(store: EventStore, events: readonly StoredEvent[], queries: readonly Query[]) {
  for (const site of [SITE, OTHER]) {
    for (const { range, days, chunks, pages, names } of queries) {
      expect(counts(await store.aggregate({ site, range, filters: [], eventMeasuresOnly: true }))).toEqual(oracle(events, site, range));
      for (const buckets of [days, chunks]) {
        const series = await store.timeseries({ site, buckets, filters: [], eventMeasuresOnly: true });
        expect(series.map(counts)).toEqual(buckets.map((bucket) => oracle(events, site, bucket)));
      }
      expect(await breakdownBy(store, site, range, page)).toEqual(oracleBy(events, site, range, 'path'));
      expect(await breakdownBy(store, site, range, page, pages)).toEqual(oracleBy(events, site, range, 'path', pages));
      const pageviews = events.filter((e) => e.name === 'pageview');
      expect(await breakdownBy(store, site, range, page, undefined, true)).toEqual(oracleBy(pageviews, site, range, 'path'));
      expect(await breakdownBy(store, site, range, page, pages, true)).toEqual(oracleBy(pageviews, site, range, 'path', pages));
      expect(await breakdownBy(store, site, range, name)).toEqual(oracleBy(events, site, range, 'name'));
      expect(await breakdownBy(store, site, range, name, names)).toEqual(oracleBy(events, site, range, 'name', names));
    }
  }
}

let dir: string;
let files = 0;
const freshFile = () => path.join(dir, `rollups-${++files}.db`);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sightline-rollups-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('sqlite rollups', () => {
  it('match plain counts after random batches, late events and purges', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), fc.array(query, { minLength: 1, maxLength: 4 }), async (operations, queries) => {
        const file = freshFile();
        const store = openSqliteStore({ file, synchronous: 'NORMAL' });
        try {
          // The other site's days are Berlin's, 23 hours long on 29 March, so UTC midnights cut them.
          await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
          await store.createSite({ domain: OTHER, timezone: 'Europe/Berlin', createdAt: START });
          let events: StoredEvent[] = [];
          for (const op of operations) {
            if ('insert' in op) {
              const batch = op.insert.map(toStored);
              await store.insertEvents(batch);
              events.push(...batch);
            } else {
              const purged = (e: StoredEvent) => e.site === op.site && e.ts < op.purgeBefore;
              expect(await store.purgeEvents(op.site, op.purgeBefore)).toBe(events.filter(purged).length);
              events = events.filter((e) => !purged(e));
            }
          }
          await expectOracle(store, events, queries);
          expect(await store.deleteSite(OTHER)).toBe(true);
          await expectOracle(store, events.filter((e) => e.site !== OTHER), queries);
        } finally {
          await store.close();
          rmSync(file, { force: true });
        }
      }),
      { numRuns: 150 },
    );
  });

  it("count a page's viewers apart when a purge leaves a visitor's custom event on it but takes their pageview", async () => {
    const file = freshFile();
    const store = openSqliteStore({ file, synchronous: 'NORMAL' });
    try {
      await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
      const at = (ms: number, eventName: string, visitor: number) =>
        storedEvent({ site: SITE, ts: START + ms, name: eventName, path: '/a', hostname: SITE, visitorId: visitor, sessionId: visitor });
      const events = [at(1_000, 'pageview', 7), at(5_000, 'Signup', 7), at(2_000, 'pageview', 8), at(6_000, 'pageview', 9)];
      await store.insertEvents(events);
      const range = { from: START, to: START + 2 * DAY };
      expect(await breakdownBy(store, SITE, range, page, undefined, true)).toEqual([{ value: '/a', visitors: 3, pageviews: 3, events: 0 }]);
      await store.purgeEvents(SITE, START + 3_000);
      expect(await breakdownBy(store, SITE, range, page, undefined, true)).toEqual([{ value: '/a', visitors: 1, pageviews: 1, events: 0 }]);
      expect(await breakdownBy(store, SITE, range, page)).toEqual([{ value: '/a', visitors: 2, pageviews: 1, events: 1 }]);
    } finally {
      await store.close();
      rmSync(file, { force: true });
    }
  });

  it('are filled from the events of a database written before they existed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(generatedEvent, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 6 }),
        fc.array(generatedEvent, { maxLength: 25 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        async (batches, later, queries) => {
          const file = freshFile();
          const events = batches.flat().map(toStored);
          const old = openSqliteStore({ file, synchronous: 'NORMAL' });
          for (const batch of batches) await old.insertEvents(batch.map(toStored));
          await old.close();
          // The schema as it was before the rollups: every migration since, newest first.
          const db = new Database(file);
          expect(db.pragma('user_version', { simple: true })).toBe(20);
          db.exec(UNDO_PROJECTION);
          db.exec(UNDO_LOCAL_DAYS);
          db.exec(UNDO_PAGE_VIEWERS);
          db.exec('DROP INDEX events_site_name_path;');
          db.exec('DROP INDEX visits_multi; ALTER TABLE visits DROP COLUMN multi;');
          db.exec('ALTER TABLE api_keys DROP COLUMN label;');
          db.exec('DROP INDEX events_site_ts_props;');
          db.exec('DROP TABLE users; DROP TABLE sessions; DROP TABLE one_time_tokens; DROP TABLE shared_links; ALTER TABLE sites DROP COLUMN allow_subdomains;');
          db.exec('DROP TABLE goals; DROP TABLE funnels;');
          db.exec('DROP TABLE event_ids; ALTER TABLE api_keys DROP COLUMN last_used_at;');
          db.exec('DROP TABLE day_visitors; DROP TABLE day_page_visitors; DROP TABLE day_totals; DROP TABLE day_pages;');
          db.exec('DROP TABLE day_name_visitors; DROP TABLE day_names;');
          db.exec('DROP TABLE visit_day_groups; DROP TABLE visit_days; DROP TABLE visits; DROP TABLE visit_spans;');
          db.exec('ALTER TABLE sites DROP COLUMN rollup_shift_ms;');
          db.pragma('user_version = 4');
          db.close();

          const store = openSqliteStore({ file, synchronous: 'NORMAL' });
          try {
            await expectOracle(store, events, queries);
            // Kept up from there on, identified visitors' earlier days included.
            const more = later.map(toStored);
            await store.insertEvents(more);
            await expectOracle(store, [...events, ...more], queries);
          } finally {
            await store.close();
            rmSync(file, { force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('by event name are filled, each site on its own days, for a database written before them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(generatedEvent, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 6 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        async (batches, queries) => {
          const file = freshFile();
          const events = batches.flat().map(toStored);
          const old = openSqliteStore({ file, synchronous: 'NORMAL' });
          await old.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
          await old.createSite({ domain: OTHER, timezone: 'Europe/Berlin', createdAt: START });
          for (const batch of batches) await old.insertEvents(batch.map(toStored));
          await old.close();
          const db = new Database(file);
          expect(db.pragma('user_version', { simple: true })).toBe(20);
          db.exec(UNDO_PROJECTION);
          db.exec(UNDO_LOCAL_DAYS);
          db.exec(UNDO_PAGE_VIEWERS);
          db.exec('DROP INDEX events_site_name_path;');
          db.exec('DROP INDEX visits_multi; ALTER TABLE visits DROP COLUMN multi;');
          db.exec('ALTER TABLE api_keys DROP COLUMN label;');
          db.exec('DROP INDEX events_site_ts_props;');
          db.exec('DROP TABLE users; DROP TABLE sessions; DROP TABLE one_time_tokens; DROP TABLE shared_links; ALTER TABLE sites DROP COLUMN allow_subdomains;');
          db.exec('DROP TABLE goals; DROP TABLE funnels;');
          db.exec('DROP TABLE event_ids; ALTER TABLE api_keys DROP COLUMN last_used_at;');
          db.exec('DROP TABLE day_name_visitors; DROP TABLE day_names;');
          db.pragma('user_version = 8');
          db.close();

          const store = openSqliteStore({ file, synchronous: 'NORMAL' });
          try {
            await expectOracle(store, events, queries);
          } finally {
            await store.close();
            rmSync(file, { force: true });
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
