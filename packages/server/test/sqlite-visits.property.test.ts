/**
 * The SQLite store answers visit measures from a table of one row per visit, folded at ingest in
 * arrival order, rebuilt where a purge cuts a visit and filled by a migration, plus the visits a
 * range cuts in two, read from their events. Generated histories check every query shape against
 * visits made here in plain JS from the events that remain, following the definitions in
 * store/types.ts word for word: sessions with equal timestamps and long gaps, late events that
 * arrive in a later batch than their visit's first one, purges and ranges that cut visits in two,
 * a deleted site, and a database written before the visits table existed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { ENGAGEMENT, METRICS, PAGEVIEW } from '@sightline/shared';
import { metricValue } from '../src/stats/metrics.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import {
  BOUNCE_ENGAGED_MS,
  type BreakdownPage,
  type BreakdownRow,
  type EventStore,
  type Filter,
  type Measures,
  type Property,
  type StoredEvent,
  type TimeRange,
} from '../src/store/types.js';
import { UNDO_LOCAL_DAYS, UNDO_PAGE_VIEWERS, UNDO_PROJECTION } from './support/migration-undos.js';
import { zoneDays } from '../src/store/rollup-days.js';
import { storedEvent } from './support/store-basics.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
// The days around the night Berlin's clocks go forward (29 March, 01:00 UTC).
const START = Date.UTC(2026, 2, 28);
const DAYS = 3;
const SITE = 'visits.example';
const OTHER = 'other.example';
const SITES = [SITE, OTHER] as const;
const PATHS = ['/', '/a', '/b', '/c'];
const SOURCES = [null, 'Google', 'Twitter'];
const COUNTRIES = [null, 'DE', 'FR', 'US'];

// ---------------------------------------------------------------------------------------------
// Generated histories
// ---------------------------------------------------------------------------------------------

interface GeneratedEvent {
  /** Milliseconds after the session's previous event: 0 makes a tie, the longest a gap of 40 min. */
  gap: number;
  name: string;
  path: string;
  source: string | null;
  country: string | null;
  browser: string;
  engagementMs: number;
  /** How long after its ts the event arrives: a late one lands behind events that came after it. */
  late: number;
}

interface GeneratedSession {
  site: number;
  day: number;
  ms: number;
  /** 1-3: identified, the same id on every day; otherwise anonymous, an id of that day only. */
  visitor: number;
  events: GeneratedEvent[];
}

// Attributes vary from event to event so that taking them from the wrong one shows.
const generatedEvent: fc.Arbitrary<GeneratedEvent> = fc.record({
  gap: fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 5_000 }) },
    { weight: 3, arbitrary: fc.integer({ min: 5_000, max: 40 * MINUTE }) },
  ),
  name: fc.constantFrom(PAGEVIEW, PAGEVIEW, 'Signup', ENGAGEMENT),
  path: fc.constantFrom(...PATHS),
  source: fc.constantFrom(...SOURCES),
  country: fc.constantFrom(...COUNTRIES),
  browser: fc.constantFrom('Chrome', 'Firefox'),
  engagementMs: fc.integer({ min: 0, max: 12_000 }),
  late: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * 60 * MINUTE }) }),
});

// Most sessions start in the same two hours of a day, so that ranges and purges meet several
// visits; some start just before midnight and run into the next day.
const generatedSession: fc.Arbitrary<GeneratedSession> = fc.record({
  site: fc.constantFrom(0, 0, 1),
  day: fc.integer({ min: 0, max: DAYS - 1 }),
  ms: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 10 * 60 * MINUTE, max: 12 * 60 * MINUTE }) },
    { weight: 1, arbitrary: fc.integer({ min: DAY - 30 * MINUTE, max: DAY - 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: DAY - 1 }) },
  ),
  visitor: fc.integer({ min: 1, max: 6 }),
  events: fc.array(generatedEvent, { minLength: 1, maxLength: 6 }),
});

/**
 * The events of the sessions in the order they arrive. Session ids count from 1 on each site, so
 * the two sites share ids and a visit is only found by site and session together.
 */
function arrivals(sessions: readonly GeneratedSession[]): StoredEvent[] {
  const nextSession = [0, 0];
  const pending: Array<{ event: StoredEvent; arrives: number; order: number }> = [];
  for (const s of sessions) {
    const site = SITES[s.site]!;
    const sessionId = ++nextSession[s.site]!;
    const visitorId = s.visitor <= 3 ? s.visitor : 1_000 + s.day * 10 + s.visitor;
    let ts = START + s.day * DAY + s.ms;
    s.events.forEach((g, i) => {
      if (i > 0) ts += g.gap;
      const event = storedEvent({
        site,
        ts,
        name: g.name,
        path: g.path,
        hostname: site,
        referrer: g.source === null ? null : `https://${g.source.toLowerCase()}.example/`,
        referrerSource: g.source,
        country: g.country,
        browser: g.browser,
        visitorId,
        sessionId,
        engagementMs: g.name === ENGAGEMENT ? g.engagementMs : null,
      });
      pending.push({ event, arrives: ts + g.late, order: pending.length });
    });
  }
  pending.sort((a, b) => a.arrives - b.arrives || a.order - b.order);
  return pending.map(({ event }) => event);
}

/** Cuts the arrivals into batches at the given positions (taken modulo the length). */
function batchesOf(events: readonly StoredEvent[], cuts: readonly number[]): StoredEvent[][] {
  const at = [...new Set([0, ...cuts.map((cut) => cut % (events.length + 1)), events.length])].sort((x, y) => x - y);
  return at.slice(1).map((end, i) => events.slice(at[i], end)).filter((batch) => batch.length > 0);
}

/**
 * An instant: mostly one of the events' timestamps or a millisecond either side of it (cutting
 * a visit there, or landing on a tie), otherwise anywhere or on a UTC or Berlin midnight.
 */
type Instant = { event: number; offset: number } | { at: number };

const instant: fc.Arbitrary<Instant> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ event: fc.nat(), offset: fc.constantFrom(0, 0, 1, -1, MINUTE) }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: DAYS * DAY }).map((ms) => ({ at: START + ms })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: DAYS }).map((day) => ({ at: START + day * DAY })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: DAYS }).map((day) => ({ at: zoneDays('Europe/Berlin').start(START / DAY + day) })) },
);

const resolve = (i: Instant, stamps: readonly number[]): number => ('at' in i ? i.at : stamps[i.event % stamps.length]! + i.offset);

interface Purge {
  /** After which batch (modulo their number). */
  after: number;
  site: number;
  before: Instant;
}

const purge: fc.Arbitrary<Purge> = fc.record({ after: fc.nat(), site: fc.constantFrom(0, 0, 1), before: instant });

interface GeneratedQuery {
  a: Instant;
  b: Instant;
  cuts: Instant[];
}

const generatedQuery: fc.Arbitrary<GeneratedQuery> = fc.record({ a: instant, b: instant, cuts: fc.array(instant, { maxLength: 3 }) });

interface Query {
  range: TimeRange;
  /** The range split at random instants. */
  buckets: TimeRange[];
}

function queryOf(q: GeneratedQuery, stamps: readonly number[]): Query {
  const a = resolve(q.a, stamps);
  const b = resolve(q.b, stamps);
  const from = Math.min(a, b);
  const to = Math.max(a, b, from + 1);
  const cuts = q.cuts.map((cut) => resolve(cut, stamps)).filter((cut) => cut > from && cut < to);
  const edges = [...new Set([from, ...cuts, to])].sort((x, y) => x - y);
  return { range: { from, to }, buckets: edges.slice(1).map((edge, i) => ({ from: edges[i]!, to: edge })) };
}

/** The filters and page a run's queries use; shapes are fixed, values generated. */
interface Shapes {
  visitFilter: Filter;
  eventFilter: Filter;
  /** The filters of the filtered breakdowns. */
  breakdownFilters: 'visit' | 'event' | 'both';
  page: BreakdownPage;
}

const values = <T extends string>(all: readonly T[]) => fc.subarray([...all], { minLength: 1 });

const shapes: fc.Arbitrary<Shapes> = fc.record({
  visitFilter: fc.record({ values: values(['DE', 'FR', 'US']), negated: fc.boolean() }).map(
    ({ values, negated }): Filter => ({ property: { scope: 'visit', field: 'country' }, match: 'exact', values, negated }),
  ),
  eventFilter: fc.oneof(
    fc.record({ values: values(PATHS), negated: fc.boolean() }).map(
      ({ values, negated }): Filter => ({ property: { scope: 'event', field: 'page' }, match: 'exact', values, negated }),
    ),
    // `engagement` is never a counted event, so a filter on it alone keeps no visit.
    fc.record({ values: values([PAGEVIEW, 'Signup', ENGAGEMENT]), negated: fc.boolean() }).map(
      ({ values, negated }): Filter => ({ property: { scope: 'event', field: 'name' }, match: 'exact', values, negated }),
    ),
  ),
  breakdownFilters: fc.constantFrom('visit', 'event', 'both'),
  page: fc.record({
    rankBy: fc.constantFrom(...METRICS),
    offset: fc.integer({ min: 0, max: 3 }),
    limit: fc.integer({ min: 1, max: 4 }),
  }),
});

// ---------------------------------------------------------------------------------------------
// The model: visits and measures over the raw events, as store/types.ts defines them
// ---------------------------------------------------------------------------------------------

interface ModelVisit {
  /** Its events in the range, by ts, equal timestamps in arrival order. */
  events: StoredEvent[];
  startTs: number;
  first: StoredEvent;
  entryPage: string | null;
  exitPage: string | null;
  pageviews: number;
  customEvents: number;
  engagementMs: number;
}

const isCounted = (e: StoredEvent) => e.name !== ENGAGEMENT;
const isCustom = (e: StoredEvent) => e.name !== PAGEVIEW && e.name !== ENGAGEMENT;

/** `events` is in arrival order, so a stable sort by ts keeps ties as they arrived. */
function visitsIn(events: readonly StoredEvent[], site: string, range: TimeRange): ModelVisit[] {
  const inRange = events.filter((e) => e.site === site && e.ts >= range.from && e.ts < range.to).sort((a, b) => a.ts - b.ts);
  const sessions = new Map<number, StoredEvent[]>();
  for (const e of inRange) {
    const list = sessions.get(e.sessionId);
    if (list === undefined) sessions.set(e.sessionId, [e]);
    else list.push(e);
  }
  return [...sessions.values()].map((list) => {
    const pageviews = list.filter((e) => e.name === PAGEVIEW);
    return {
      events: list,
      startTs: list[0]!.ts,
      first: list[0]!,
      entryPage: pageviews[0]?.path ?? null,
      exitPage: pageviews[pageviews.length - 1]?.path ?? null,
      pageviews: pageviews.length,
      customEvents: list.filter(isCustom).length,
      engagementMs: list.reduce((sum, e) => sum + (e.engagementMs ?? 0), 0),
    };
  });
}

function visitValue(visit: ModelVisit, field: string): string | null {
  switch (field) {
    case 'source':
      return visit.first.referrerSource;
    case 'country':
      return visit.first.country;
    case 'entry_page':
      return visit.entryPage;
    case 'exit_page':
      return visit.exitPage;
    default:
      throw new Error(`the model has no visit field ${field}`);
  }
}

function eventValue(e: StoredEvent, property: Property): string | null {
  if (property.scope === 'event' && property.field === 'page') return e.path;
  if (property.scope === 'event' && property.field === 'name') return e.name;
  throw new Error(`the model has no event property ${JSON.stringify(property)}`);
}

function holds(filter: Filter, value: string | null): boolean {
  if (filter.match !== 'exact') throw new Error('the model only matches exactly');
  const hit = value !== null && filter.values.includes(value);
  return filter.negated ? !hit : hit;
}

interface CountedVisit {
  visit: ModelVisit;
  /** Its counted events that pass the event filters: at least one. */
  passing: StoredEvent[];
}

function countedVisits(events: readonly StoredEvent[], site: string, range: TimeRange, filters: readonly Filter[]): CountedVisit[] {
  const visitFilters = filters.filter((f) => f.property.scope === 'visit');
  const eventFilters = filters.filter((f) => f.property.scope !== 'visit');
  const counted: CountedVisit[] = [];
  for (const visit of visitsIn(events, site, range)) {
    if (!visitFilters.every((f) => f.property.scope === 'visit' && holds(f, visitValue(visit, f.property.field)))) continue;
    const passing = visit.events.filter((e) => isCounted(e) && eventFilters.every((f) => holds(f, eventValue(e, f.property))));
    if (passing.length > 0) counted.push({ visit, passing });
  }
  return counted;
}

/** Event measures over `passing` (counted events only), visit measures over `visits`. */
function measuresOf(visits: readonly ModelVisit[], passing: readonly StoredEvent[]): Measures {
  return {
    visitors: new Set(passing.map((e) => e.visitorId)).size,
    visits: visits.length,
    pageviews: passing.filter((e) => e.name === PAGEVIEW).length,
    events: passing.filter((e) => e.name !== PAGEVIEW).length,
    bounces: visits.filter((v) => v.pageviews === 1 && v.customEvents === 0 && v.engagementMs < BOUNCE_ENGAGED_MS).length,
    visitPageviews: visits.reduce((sum, v) => sum + v.pageviews, 0),
    engagementMs: visits.reduce((sum, v) => sum + v.engagementMs, 0),
  };
}

function modelAggregate(events: readonly StoredEvent[], site: string, range: TimeRange, filters: readonly Filter[]): Measures {
  const counted = countedVisits(events, site, range, filters);
  return measuresOf(
    counted.map((c) => c.visit),
    counted.flatMap((c) => c.passing),
  );
}

/** Visits are made over the whole range; each goes to the bucket of its first event, each event to its own. */
function modelTimeseries(events: readonly StoredEvent[], site: string, buckets: readonly TimeRange[], filters: readonly Filter[]): Measures[] {
  const counted = countedVisits(events, site, { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to }, filters);
  const within = (ts: number, bucket: TimeRange) => ts >= bucket.from && ts < bucket.to;
  return buckets.map((bucket) =>
    measuresOf(
      counted.map((c) => c.visit).filter((v) => within(v.startTs, bucket)),
      counted.flatMap((c) => c.passing).filter((e) => within(e.ts, bucket)),
    ),
  );
}

function modelBreakdown(
  events: readonly StoredEvent[],
  site: string,
  range: TimeRange,
  filters: readonly Filter[],
  property: Property,
): BreakdownRow[] {
  const groups = new Map<string | null, CountedVisit[]>();
  const add = (value: string | null, c: CountedVisit) => {
    const list = groups.get(value);
    if (list === undefined) groups.set(value, [c]);
    else list.push(c);
  };
  for (const c of countedVisits(events, site, range, filters)) {
    if (property.scope === 'visit') {
      add(visitValue(c.visit, property.field), c);
    } else {
      // A visit belongs to the group of each of its passing events, with only that group's events.
      for (const value of new Set(c.passing.map((e) => eventValue(e, property)))) {
        add(value, { visit: c.visit, passing: c.passing.filter((e) => eventValue(e, property) === value) });
      }
    }
  }
  return [...groups].map(([value, list]) => ({
    value,
    measures: measuresOf(
      list.map((c) => c.visit),
      list.flatMap((c) => c.passing),
    ),
  }));
}

const byValue = (a: BreakdownRow, b: BreakdownRow) => {
  if (a.value === b.value) return 0;
  if (a.value === null) return 1;
  if (b.value === null) return -1;
  return a.value < b.value ? -1 : 1;
};

/** The API's order: the metric descending, then the value ascending with the missing value last. */
function pageOf(rows: readonly BreakdownRow[], page: BreakdownPage): BreakdownRow[] {
  const rank = (row: BreakdownRow) => metricValue(row.measures, page.rankBy);
  return [...rows].sort((a, b) => rank(b) - rank(a) || byValue(a, b)).slice(page.offset, page.offset + page.limit);
}

// ---------------------------------------------------------------------------------------------
// Checking the store against the model
// ---------------------------------------------------------------------------------------------

const eventCounts = (m: Measures) => ({ visitors: m.visitors, pageviews: m.pageviews, events: m.events });

const BREAKDOWN_PROPERTIES: readonly Property[] = [
  { scope: 'visit', field: 'source' },
  { scope: 'visit', field: 'entry_page' },
  { scope: 'visit', field: 'exit_page' },
  { scope: 'event', field: 'page' },
];

/** Every answer is compared with the query beside it, so a failure's diff says which query it was. */
async function expectModel(store: EventStore, events: readonly StoredEvent[], queries: readonly Query[], s: Shapes): Promise<void> {
  const { visitFilter, eventFilter } = s;
  const breakdownFilters = { visit: [visitFilter], event: [eventFilter], both: [visitFilter, eventFilter] }[s.breakdownFilters];
  for (const site of SITES) {
    for (const { range, buckets } of queries) {
      for (const filters of [[], [visitFilter], [eventFilter], [visitFilter, eventFilter]]) {
        const got = await store.aggregate({ site, range, filters });
        expect({ aggregate: { site, range, filters }, got }).toEqual({
          aggregate: { site, range, filters },
          got: modelAggregate(events, site, range, filters),
        });
      }
      const filters = [eventFilter];
      const onlyEvents = eventCounts(await store.aggregate({ site, range, filters, eventMeasuresOnly: true }));
      expect({ aggregateEvents: { site, range, filters }, got: onlyEvents }).toEqual({
        aggregateEvents: { site, range, filters },
        got: eventCounts(modelAggregate(events, site, range, filters)),
      });

      for (const filters of [[], [visitFilter], [eventFilter]]) {
        const got = await store.timeseries({ site, buckets, filters });
        expect({ timeseries: { site, buckets, filters }, got }).toEqual({
          timeseries: { site, buckets, filters },
          got: modelTimeseries(events, site, buckets, filters),
        });
      }
      for (const filters of [[visitFilter], [visitFilter, eventFilter]]) {
        const got = (await store.timeseries({ site, buckets, filters, eventMeasuresOnly: true })).map(eventCounts);
        expect({ timeseriesEvents: { site, buckets, filters }, got }).toEqual({
          timeseriesEvents: { site, buckets, filters },
          got: modelTimeseries(events, site, buckets, filters).map(eventCounts),
        });
      }

      for (const property of BREAKDOWN_PROPERTIES) {
        for (const filters of [[], breakdownFilters]) {
          const query = { site, range, filters, property };
          const expected = modelBreakdown(events, site, range, filters, property);
          const all = await store.breakdown(query);
          expect({ breakdown: query, got: [...all].sort(byValue) }).toEqual({ breakdown: query, got: [...expected].sort(byValue) });
          const paged = await store.breakdown({ ...query, page: s.page });
          expect({ breakdown: query, page: s.page, got: paged }).toEqual({ breakdown: query, page: s.page, got: pageOf(expected, s.page) });
          const countsOf = (rows: BreakdownRow[]) => [...rows].sort(byValue).map((row) => ({ value: row.value, ...eventCounts(row.measures) }));
          const onlyEvents = await store.breakdown({ ...query, eventMeasuresOnly: true });
          expect({ breakdownEvents: query, got: countsOf(onlyEvents) }).toEqual({ breakdownEvents: query, got: countsOf(expected) });
        }
      }
    }
  }
}

let dir: string;
let files = 0;
const freshFile = () => path.join(dir, `visits-${++files}.db`);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sightline-visits-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sessions = fc.array(generatedSession, { minLength: 1, maxLength: 12 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });
const queries = fc.array(generatedQuery, { minLength: 1, maxLength: 3 });

/**
 * How to undo each migration since version 5, oldest first: the visits table is migration 6. A
 * migration added later needs its undo here, which the version check points out.
 */
const SINCE_VISITS = [
  'DROP TABLE visits; DROP TABLE visit_spans;',
  'ALTER TABLE sites DROP COLUMN rollup_shift_ms;',
  'DROP TABLE visit_day_groups; DROP TABLE visit_days;',
  'DROP TABLE day_name_visitors; DROP TABLE day_names;',
  'ALTER TABLE api_keys DROP COLUMN last_used_at;',
  'DROP TABLE event_ids;',
  'DROP TABLE goals; DROP TABLE funnels;',
  'DROP TABLE users; DROP TABLE sessions; DROP TABLE one_time_tokens; DROP TABLE shared_links; ALTER TABLE sites DROP COLUMN allow_subdomains;',
  'DROP INDEX events_site_ts_props;',
  'ALTER TABLE api_keys DROP COLUMN label;',
  'DROP INDEX visits_multi; ALTER TABLE visits DROP COLUMN multi;',
  'DROP INDEX events_site_name_path;',
  UNDO_PAGE_VIEWERS,
  UNDO_LOCAL_DAYS,
  UNDO_PROJECTION,
];

async function createSites(store: EventStore): Promise<void> {
  // The other site's days are Berlin's, 23 hours long on 29 March, and UTC instants cut them.
  await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
  await store.createSite({ domain: OTHER, timezone: 'Europe/Berlin', createdAt: START });
}

describe('sqlite visits', () => {
  it('match visits made from the raw events after random batches, late events, purges and a deleted site', async () => {
    await fc.assert(
      fc.asyncProperty(
        sessions,
        cuts,
        fc.array(purge, { maxLength: 3 }),
        queries,
        shapes,
        async (generated, batchCuts, purges, generatedQueries, s) => {
          const arrived = arrivals(generated);
          const stamps = arrived.map((e) => e.ts).sort((a, b) => a - b);
          const batches = batchesOf(arrived, batchCuts);
          const qs = generatedQueries.map((q) => queryOf(q, stamps));
          const file = freshFile();
          const store = openSqliteStore({ file, synchronous: 'NORMAL' });
          try {
            await createSites(store);
            // The model's events stay in arrival order: purges only take some out.
            let events: StoredEvent[] = [];
            for (const [i, batch] of batches.entries()) {
              await store.insertEvents(batch);
              events.push(...batch);
              for (const p of purges.filter((p) => p.after % batches.length === i)) {
                const site = SITES[p.site]!;
                const before = resolve(p.before, stamps);
                const purged = (e: StoredEvent) => e.site === site && e.ts < before;
                expect(await store.purgeEvents(site, before)).toBe(events.filter(purged).length);
                events = events.filter((e) => !purged(e));
              }
            }
            await expectModel(store, events, qs, s);

            expect(await store.deleteSite(OTHER)).toBe(true);
            events = events.filter((e) => e.site !== OTHER);
            await expectModel(store, events, qs, s);

            // The same domain again, with the same session ids: nothing of the old visits may remain.
            await store.createSite({ domain: OTHER, timezone: 'UTC', createdAt: START });
            const again = arrived.filter((e) => e.site === OTHER);
            await store.insertEvents(again);
            events.push(...again);
            await expectModel(store, events, qs, s);
          } finally {
            await store.close();
            rmSync(file, { force: true });
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('are filled from the events of a database written before the visits table existed, then kept up', async () => {
    await fc.assert(
      fc.asyncProperty(sessions, cuts, fc.nat(), queries, shapes, async (generated, batchCuts, split, generatedQueries, s) => {
        const arrived = arrivals(generated);
        const stamps = arrived.map((e) => e.ts).sort((a, b) => a - b);
        const batches = batchesOf(arrived, batchCuts);
        // Batches after the migration carry late events of visits the migration built.
        const migrated = split % (batches.length + 1);
        const qs = generatedQueries.map((q) => queryOf(q, stamps));
        const file = freshFile();
        const old = openSqliteStore({ file, synchronous: 'NORMAL' });
        await createSites(old);
        for (const batch of batches.slice(0, migrated)) await old.insertEvents(batch);
        await old.close();
        // The schema as it was before the visits: every migration since version 5 undone, newest first.
        const db = new Database(file);
        expect(db.pragma('user_version', { simple: true })).toBe(5 + SINCE_VISITS.length);
        for (const undo of [...SINCE_VISITS].reverse()) db.exec(undo);
        db.pragma('user_version = 5');
        db.close();

        const store = openSqliteStore({ file, synchronous: 'NORMAL' });
        try {
          const events = batches.slice(0, migrated).flat();
          await expectModel(store, events, qs, s);
          for (const batch of batches.slice(migrated)) {
            await store.insertEvents(batch);
            events.push(...batch);
          }
          await expectModel(store, events, qs, s);
        } finally {
          await store.close();
          rmSync(file, { force: true });
        }
      }),
      { numRuns: 50 },
    );
  });
});
