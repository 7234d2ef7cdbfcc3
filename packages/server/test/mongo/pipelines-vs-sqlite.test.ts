/**
 * Differential check of the MongoDB pipelines (run on mingo) against the embedded store, the
 * reference implementation: random visits with awkward values (regex characters, `*`, `$`),
 * arriving late and in several batches, random filters and buckets must give identical answers
 * from both, beyond the hand-counted contract fixture.
 */
import fc from 'fast-check';
import { ENGAGEMENT, METRICS, PAGEVIEW } from '@sightline/shared';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { BreakdownRow, Filter, Measures, Property, StoredEvent, TimeRange, VisitField } from '../../src/store/types.js';
import { MingoPipelineStore } from '../support/mingo-store.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const SITES = ['a.example', 'b.example'];
const PATHS = ['/', '/a.b', '/blog/x*y', '/$where', '/(x)|y', '/blog/one'];
const NAMES = [PAGEVIEW, PAGEVIEW, PAGEVIEW, ENGAGEMENT, 'Signup', 'Dl*'];
const nullable = <T>(...values: T[]) => fc.constantFrom<T | null>(null, ...values);

const stepArbitrary = fc.record({
  // 0 gives events of one visit at the same millisecond, which count in the order they arrived.
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 1_000, max: 3 * HOUR })),
  name: fc.constantFrom(...NAMES),
  path: fc.constantFrom(...PATHS),
  hostname: fc.constantFrom('a.example', 'api.a.example'),
  referrerSource: nullable('Google', 'a.b', '$x'),
  country: nullable('DE', 'US'),
  browser: nullable('Firefox', 'Chrome'),
  utmCampaign: nullable('fall', 'f*ll'),
  engagementMs: fc.integer({ min: 0, max: 30_000 }),
  plan: nullable('pro', 'free', 'a|b'),
});

const visitArbitrary = fc.record({
  site: fc.constantFrom(...SITES),
  visitor: fc.integer({ min: 1, max: 6 }),
  startMs: fc.integer({ min: 0, max: 48 * HOUR }),
  steps: fc.array(stepArbitrary, { minLength: 1, maxLength: 6 }),
});

/** Events of one visit in time order, as the ingest would store them. */
type Visit = typeof visitArbitrary extends fc.Arbitrary<infer T> ? T : never;

function eventsOf(visit: Visit, session: number): StoredEvent[] {
  let ts = START + visit.startMs;
  return visit.steps.map((step) => {
    ts += step.gapMs;
    return {
      site: visit.site,
      ts,
      name: step.name,
      path: step.path,
      hostname: step.hostname,
      referrer: step.referrerSource === null ? null : `${step.referrerSource}.example`,
      referrerSource: step.referrerSource,
      utmSource: null,
      utmMedium: null,
      utmCampaign: step.utmCampaign,
      utmTerm: null,
      utmContent: null,
      browser: step.browser,
      os: 'Linux',
      device: 'Desktop',
      country: step.country,
      screenWidth: 1440,
      visitorId: visit.visitor,
      sessionId: session,
      engagementMs: step.name === ENGAGEMENT ? step.engagementMs : null,
      props: step.plan === null || step.name === PAGEVIEW ? ({} as Record<string, string>) : { plan: step.plan },
    };
  });
}

const PROPERTIES: Property[] = [
  { scope: 'event', field: 'page' },
  { scope: 'event', field: 'name' },
  { scope: 'event', field: 'hostname' },
  { scope: 'prop', key: 'plan' },
  ...(['entry_page', 'exit_page', 'source', 'country', 'browser', 'utm_campaign'] as VisitField[]).map(
    (field): Property => ({ scope: 'visit', field }),
  ),
];
const VALUES = ['/', '/blog/*', '*.b', '*', '/$where', '(x)', 'pro', 'a|b', 'Signup', 'Dl*', 'Google', 'DE', 'fox', 'f*ll', 'api', '.'];

const filterArbitrary: fc.Arbitrary<Filter> = fc.record({
  property: fc.constantFrom(...PROPERTIES),
  match: fc.constantFrom('exact' as const, 'wildcard' as const, 'contains' as const),
  values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }),
  negated: fc.boolean(),
});

/** Consecutive buckets splitting [from, to) at the given cut points. */
function bucketsOf(from: number, to: number, cuts: number[]): TimeRange[] {
  const points = [...new Set(cuts.map((cut) => from + (cut % (to - from))))].filter((p) => p > from).sort((a, b) => a - b);
  const edges = [from, ...points, to];
  return edges.slice(0, -1).map((edge, i) => ({ from: edge, to: edges[i + 1]! }));
}

/**
 * The order events arrive in and the batches they are stored in: late events (an earlier time
 * arriving after a later one of the same visit) and visits spread over several batches.
 */
const arrivalArbitrary = fc.record({
  lateness: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 80 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 20 }),
});

function arriving(events: StoredEvent[], { lateness, batchSizes }: { lateness: number[]; batchSizes: number[] }): StoredEvent[][] {
  const ordered = events.map((event, i) => ({ event, at: i + (lateness[i] ?? 0) })).sort((a, b) => a.at - b.at).map(({ event }) => event);
  const batches: StoredEvent[][] = [];
  let next = 0;
  for (const size of [...batchSizes, ordered.length]) {
    if (next < ordered.length) batches.push(ordered.slice(next, next + size));
    next += size;
  }
  return batches;
}

const eventMeasures = ({ visitors, pageviews, events }: Measures) => ({ visitors, pageviews, events });
const eventGroup = (row: BreakdownRow) => ({ value: row.value, ...eventMeasures(row.measures) });

const byValue = (rows: BreakdownRow[]) =>
  [...rows].sort((a, b) => (a.value === b.value ? 0 : a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : 1));

describe('MongoDB pipelines on mingo agree with the embedded store', () => {
  it('for aggregate, timeseries and breakdown over random visits and filters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(visitArbitrary, { minLength: 0, maxLength: 12 }),
        fc.array(filterArbitrary, { maxLength: 3 }),
        fc.constantFrom(...PROPERTIES),
        fc.integer({ min: 0, max: 24 * HOUR }),
        fc.integer({ min: HOUR, max: 60 * HOUR }),
        fc.array(fc.integer({ min: 0, max: 60 * HOUR }), { maxLength: 5 }),
        fc.record({ rankBy: fc.constantFrom(...METRICS), offset: fc.integer({ min: 0, max: 3 }), limit: fc.integer({ min: 1, max: 4 }) }),
        arrivalArbitrary,
        // The rollups' days start at the zone's standard-time midnight, so whole days and edges differ per zone.
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
        async (visits, filters, property, offset, length, cuts, page, arrival, timezone) => {
          const events = visits.flatMap((visit, i) => eventsOf(visit, 1000 + i));
          const sqlite = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
          const mingo = new MingoPipelineStore();
          try {
            for (const domain of SITES) {
              const site = { domain, timezone, createdAt: START, public: false };
              await sqlite.createSite(site);
              await mingo.createSite(site);
            }
            for (const batch of arriving(events, arrival)) {
              await sqlite.insertEvents(batch);
              await mingo.insertEvents(batch);
            }
            const range = { from: START + offset, to: START + offset + length };
            for (const site of SITES) {
              const query = { site, range, filters };
              expect(await mingo.aggregate(query)).toEqual(await sqlite.aggregate(query));
              const buckets = bucketsOf(range.from, range.to, cuts);
              expect(await mingo.timeseries({ site, buckets, filters })).toEqual(await sqlite.timeseries({ site, buckets, filters }));
              expect(byValue(await mingo.breakdown({ ...query, property }))).toEqual(byValue(await sqlite.breakdown({ ...query, property })));
              expect(await mingo.breakdown({ ...query, property, page })).toEqual(await sqlite.breakdown({ ...query, property, page }));
              // Told that only event measures are read, a store may answer 0 for the others.
              const hinted = { ...query, eventMeasuresOnly: true };
              expect(eventMeasures(await mingo.aggregate(hinted))).toEqual(eventMeasures(await sqlite.aggregate(query)));
              const series = await mingo.timeseries({ site, buckets, filters, eventMeasuresOnly: true });
              expect(series.map(eventMeasures)).toEqual((await sqlite.timeseries({ site, buckets, filters })).map(eventMeasures));
              const groups = await mingo.breakdown({ ...hinted, property });
              const reference = property.scope === 'visit' ? groups : await sqlite.breakdown({ ...query, property });
              expect(byValue(groups).map(eventGroup)).toEqual(byValue(reference).map(eventGroup));
              // Unfiltered, these read the per-day rollups wherever a bucket holds a whole day.
              const whole = { site, range, filters: [], eventMeasuresOnly: true };
              expect(eventMeasures(await mingo.aggregate(whole))).toEqual(eventMeasures(await sqlite.aggregate({ ...whole, eventMeasuresOnly: false })));
              const wholeSeries = await mingo.timeseries({ site, buckets, filters: [], eventMeasuresOnly: true });
              expect(wholeSeries.map(eventMeasures)).toEqual((await sqlite.timeseries({ site, buckets, filters: [] })).map(eventMeasures));
              if (property.scope === 'event') {
                const rolled = await mingo.breakdown({ ...whole, property });
                expect(byValue(rolled).map(eventGroup)).toEqual(byValue(await sqlite.breakdown({ site, range, filters: [], property })).map(eventGroup));
              }
            }
            for (const site of [...SITES, 'none.example']) {
              const request = { site, from: range.from, to: range.to, limit: 3 };
              expect(await mingo.summary(request)).toEqual(await sqlite.summary(request));
              expect(await mingo.allTime(site)).toEqual(await sqlite.allTime(site));
              expect(await mingo.allTime(site, { offset: 2, limit: 3 })).toEqual(await sqlite.allTime(site, { offset: 2, limit: 3 }));
            }
          } finally {
            await sqlite.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
