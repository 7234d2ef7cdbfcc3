/**
 * The storage contract for stats, sites and keys: every store runs this suite over the same
 * fixture (fixture.ts) and must give exactly these answers, which were counted by hand.
 *
 *   runStatsContract({ name: 'sqlite', create: () => openSqliteStore(...) });
 *
 * `skip` maps a test's name to the written reason it does not apply to a store.
 */
import type {
  ApiKeyRecord,
  BreakdownRow,
  EventStore,
  Filter,
  Measures,
  Property,
  SiteAdmin,
  StatsQueries,
} from '../../src/store/types.js';
import { pageOfGroups } from '../../src/store/breakdown-page.js';
import { BERLIN_DAYS, BLOG, BLOG_DAY, EMPTY, FIXTURE, SHOP, SHOP_RANGE } from './fixture.js';

export type ContractStore = EventStore & StatsQueries & SiteAdmin;

export interface StatsContractOptions {
  name: string;
  /** A fresh, empty store. */
  create: () => Promise<ContractStore> | ContractStore;
  /** Test name → why it does not apply to this store. */
  skip?: Record<string, string>;
}

/** visitors, visits, pageviews, events, bounces, visit pageviews, engagement ms */
function m(
  visitors: number,
  visits: number,
  pageviews: number,
  events: number,
  bounces: number,
  visitPageviews: number,
  engagementMs: number,
): Measures {
  return { visitors, visits, pageviews, events, bounces, visitPageviews, engagementMs };
}

const ZERO = m(0, 0, 0, 0, 0, 0, 0);

const event = (field: 'page' | 'name' | 'hostname'): Property => ({ scope: 'event', field });
const visitProp = (field: Extract<Property, { scope: 'visit' }>['field']): Property => ({ scope: 'visit', field });
const prop = (key: string): Property => ({ scope: 'prop', key });
const is = (property: Property, ...values: string[]): Filter => ({ property, match: 'exact', values, negated: false });
const isNot = (property: Property, ...values: string[]): Filter => ({ property, match: 'exact', values, negated: true });
const like = (property: Property, ...values: string[]): Filter => ({ property, match: 'wildcard', values, negated: false });
const contains = (property: Property, ...values: string[]): Filter => ({ property, match: 'contains', values, negated: false });
const notContains = (property: Property, ...values: string[]): Filter => ({ property, match: 'contains', values, negated: true });

/**
 * Aggregates over Oct 24-26 (Berlin). Unfiltered: visitors v1-v7 but v1's s100 is outside = 7;
 * visits s101 s201 s301 s302 s401 s501 s601 s701 = 8; pageviews 2+2+1+1+1+2+0+1 = 10;
 * custom events Signup, Download, Signup, Signup = 4; bounces s301 (1 pv, 4 s), s401, s701 = 3
 * (s302 was looked at 15 s, s601 has no pageview); engagement 30+120+5+4+15+60 s = 234 s.
 */
const AGGREGATES: Array<[string, Filter[], Measures]> = [
  ['no filter', [], m(7, 8, 10, 4, 3, 10, 234_000)],
  // pv /blog/one of s101 and s302, and s101's Signup sent from /blog/one.
  ['event:page is /blog/one', [is(event('page'), '/blog/one')], m(2, 2, 2, 1, 0, 3, 165_000)],
  // /blog/one and /blog/two pageviews of s101 s201 s302 s501, Signup of s101 and Download of s501.
  ['event:page matches /blog/*', [like(event('page'), '/blog/*')], m(4, 4, 4, 2, 0, 7, 230_000)],
  // GLOB's own wildcards are literal characters here: no page is called /blog/on? or /blog/[o]ne.
  ['event:page wildcard treats ? and [ literally', [like(event('page'), '/blog/on?', '/blog/[o]ne')], ZERO],
  // Visits whose first event is not from DE (an unknown country is kept): s201 US, s401 none, s501 FR.
  ['visit:country is not DE', [isNot(visitProp('country'), 'DE')], m(3, 3, 5, 2, 1, 5, 65_000)],
  // Those three visits, events on /blog/*: s201's /blog/two, s501's /blog/two and its Download.
  [
    'event:page matches /blog/* and visit:country is not DE',
    [like(event('page'), '/blog/*'), isNot(visitProp('country'), 'DE')],
    m(2, 2, 2, 1, 0, 4, 65_000),
  ],
  // Signups of s101, s501, s601; their visits hold 2+2+0 pageviews and 150+60 s.
  ['event:name is Signup', [is(event('name'), 'Signup')], m(3, 3, 0, 3, 0, 4, 210_000)],
  ['event:props:plan is pro', [is(prop('plan'), 'pro')], m(2, 2, 0, 2, 0, 2, 150_000)],
  // Every counted event but the two pro Signups: s601 has nothing else, so it and v6 drop out.
  ['event:props:plan is not pro', [isNot(prop('plan'), 'pro')], m(6, 7, 10, 2, 3, 10, 234_000)],
  // s101 and s401 came from Google, s302 from Hacker News ("|": any of them).
  ['visit:source is Google or Hacker News', [is(visitProp('source'), 'Google', 'Hacker News')], m(3, 3, 4, 1, 1, 4, 165_000)],
  // First pageview /pricing: s201 and s401.
  ['visit:entry_page is /pricing', [is(visitProp('entry_page'), '/pricing')], m(2, 2, 3, 0, 1, 3, 5_000)],
  // Last pageview /pricing: s401 and s501.
  ['visit:exit_page is /pricing', [is(visitProp('exit_page'), '/pricing')], m(2, 2, 3, 2, 1, 3, 60_000)],
  // /blog/two pageviews of s201 and s501, and s501's Download sent from there.
  ['event:page contains two', [contains(event('page'), 'two')], m(2, 2, 2, 1, 0, 4, 65_000)],
  // Not Firefox (s101, s501 are): s201 s301 s302 s401 s601 s701, the browserless s601 included.
  ['visit:browser does not contain fox', [notContains(visitProp('browser'), 'fox')], m(5, 6, 6, 1, 3, 6, 24_000)],
  ['visit:utm_campaign is fall', [is(visitProp('utm_campaign'), 'fall')], m(1, 1, 2, 0, 0, 2, 5_000)],
  ['event:hostname is api.shop.example', [is(event('hostname'), 'api.shop.example')], m(1, 1, 0, 1, 0, 0, 0)],
  // Contains is case-sensitive.
  ['visit:browser contains FOX', [contains(visitProp('browser'), 'FOX')], ZERO],
  // Engagement events are never counted events, so nothing passes.
  ['event:name is engagement', [is(event('name'), 'engagement')], ZERO],
];

const byValue = (rows: BreakdownRow[]) =>
  [...rows].sort((a, b) => (a.value === b.value ? 0 : a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : 1));

const BREAKDOWNS: Array<[string, Property, Filter[], BreakdownRow[]]> = [
  [
    'event:page',
    event('page'),
    [],
    [
      // pv / of s101 s301 s701; those visits: 2+1+1 pageviews, 150+4 s; s301 and s701 bounced.
      { value: '/', measures: m(3, 3, 3, 0, 2, 4, 154_000) },
      { value: '/api', measures: m(1, 1, 0, 1, 0, 0, 0) },
      { value: '/blog/one', measures: m(2, 2, 2, 1, 0, 3, 165_000) },
      { value: '/blog/two', measures: m(2, 2, 2, 1, 0, 4, 65_000) },
      // pv of s201 s401 s501 and s501's Signup; s401 bounced.
      { value: '/pricing', measures: m(3, 3, 3, 1, 1, 5, 65_000) },
    ],
  ],
  [
    'event:name',
    event('name'),
    [],
    [
      { value: 'Download', measures: m(1, 1, 0, 1, 0, 2, 60_000) },
      { value: 'Signup', measures: m(3, 3, 0, 3, 0, 4, 210_000) },
      { value: 'pageview', measures: m(6, 7, 10, 0, 3, 10, 234_000) },
    ],
  ],
  [
    'visit:source',
    visitProp('source'),
    [],
    [
      { value: 'Google', measures: m(2, 2, 3, 1, 1, 3, 150_000) },
      { value: 'Hacker News', measures: m(1, 1, 1, 0, 0, 1, 15_000) },
      { value: 'Twitter', measures: m(1, 1, 2, 2, 0, 2, 60_000) },
      { value: 'newsletter', measures: m(1, 1, 2, 0, 0, 2, 5_000) },
      // Direct: s301 s601 s701 (v3 is also under Hacker News for s302).
      { value: null, measures: m(3, 3, 2, 1, 2, 2, 4_000) },
    ],
  ],
  [
    'visit:country',
    visitProp('country'),
    [],
    [
      // s101 s301 s302 s601 s701 of v1 v3 v6 v7.
      { value: 'DE', measures: m(4, 5, 5, 2, 2, 5, 169_000) },
      { value: 'FR', measures: m(1, 1, 2, 2, 0, 2, 60_000) },
      { value: 'US', measures: m(1, 1, 2, 0, 0, 2, 5_000) },
      { value: null, measures: m(1, 1, 1, 0, 1, 1, 0) },
    ],
  ],
  [
    'visit:entry_page',
    visitProp('entry_page'),
    [],
    [
      { value: '/', measures: m(3, 3, 4, 1, 2, 4, 154_000) },
      { value: '/blog/one', measures: m(1, 1, 1, 0, 0, 1, 15_000) },
      { value: '/blog/two', measures: m(1, 1, 2, 2, 0, 2, 60_000) },
      { value: '/pricing', measures: m(2, 2, 3, 0, 1, 3, 5_000) },
      // s601 has no pageview, so no entry page.
      { value: null, measures: m(1, 1, 0, 1, 0, 0, 0) },
    ],
  ],
  [
    'visit:exit_page',
    visitProp('exit_page'),
    [],
    [
      // s301, s701.
      { value: '/', measures: m(2, 2, 2, 0, 2, 2, 4_000) },
      // s101, s302.
      { value: '/blog/one', measures: m(2, 2, 3, 1, 0, 3, 165_000) },
      { value: '/blog/two', measures: m(1, 1, 2, 0, 0, 2, 5_000) },
      { value: '/pricing', measures: m(2, 2, 3, 2, 1, 3, 60_000) },
      { value: null, measures: m(1, 1, 0, 1, 0, 0, 0) },
    ],
  ],
  [
    'event:props:plan',
    prop('plan'),
    [],
    [
      { value: 'free', measures: m(1, 1, 0, 1, 0, 2, 60_000) },
      { value: 'pro', measures: m(2, 2, 0, 2, 0, 2, 150_000) },
      // Every pageview and the Download carry no plan.
      { value: null, measures: m(6, 7, 10, 1, 3, 10, 234_000) },
    ],
  ],
  [
    'event:props:plan of Signups',
    prop('plan'),
    [is(event('name'), 'Signup')],
    [
      { value: 'free', measures: m(1, 1, 0, 1, 0, 2, 60_000) },
      { value: 'pro', measures: m(2, 2, 0, 2, 0, 2, 150_000) },
    ],
  ],
  [
    'visit:browser of Signups',
    visitProp('browser'),
    [is(event('name'), 'Signup')],
    [
      { value: 'Firefox', measures: m(2, 2, 0, 2, 0, 4, 210_000) },
      { value: null, measures: m(1, 1, 0, 1, 0, 0, 0) },
    ],
  ],
  [
    'visit:device of visits not from DE',
    visitProp('device'),
    [isNot(visitProp('country'), 'DE')],
    [
      // s201 and s501.
      { value: 'Desktop', measures: m(2, 2, 4, 2, 0, 4, 65_000) },
      { value: 'Mobile', measures: m(1, 1, 1, 0, 1, 1, 0) },
    ],
  ],
];

export function runStatsContract({ name, create, skip = {} }: StatsContractOptions): void {
  describe(`stats contract: ${name}`, () => {
    let store: ContractStore;

    beforeAll(async () => {
      store = await create();
      for (const domain of [SHOP, BLOG, EMPTY]) {
        await store.createSite({ domain, timezone: domain === BLOG ? 'America/New_York' : 'Europe/Berlin', createdAt: 0 });
      }
      // Two batches in reverse order: no store may depend on insertion order.
      await store.insertEvents(FIXTURE.slice(20).reverse());
      await store.insertEvents(FIXTURE.slice(0, 20));
    });

    afterAll(async () => {
      await store?.close();
    });

    const test = (title: string, body: () => Promise<void>) => {
      const reason = skip[title];
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body);
    };

    describe('aggregate', () => {
      for (const [title, filters, expected] of AGGREGATES) {
        test(`aggregate: ${title}`, async () => {
          expect(await store.aggregate({ site: SHOP, range: SHOP_RANGE, filters })).toEqual(expected);
        });
      }

      test('aggregate: a 25-hour day across the end of summer time', async () => {
        // s201 clipped to its /blog/two (1 pageview, its 5 s fell on Oct 24: a bounce), s301, s302,
        // and s401 at 23:30 CET, which a 24-hour day would miss.
        expect(await store.aggregate({ site: SHOP, range: BERLIN_DAYS.oct25, filters: [] })).toEqual(m(3, 4, 4, 0, 3, 4, 19_000));
      });

      test('aggregate: sites never mix', async () => {
        expect(await store.aggregate({ site: BLOG, range: BLOG_DAY, filters: [] })).toEqual(m(1, 1, 2, 0, 0, 2, 0));
        expect(await store.aggregate({ site: EMPTY, range: SHOP_RANGE, filters: [] })).toEqual(ZERO);
        expect(await store.aggregate({ site: 'unknown.example', range: SHOP_RANGE, filters: [] })).toEqual(ZERO);
      });

      test('aggregate: the range is half-open', async () => {
        // Oct 26 starts with s701's pageview at exactly 23:00Z; Oct 25 must not see it.
        const oct26 = await store.aggregate({ site: SHOP, range: BERLIN_DAYS.oct26, filters: [is(event('page'), '/')] });
        const oct25 = await store.aggregate({ site: SHOP, range: BERLIN_DAYS.oct25, filters: [is(event('page'), '/')] });
        expect(oct26).toEqual(m(1, 1, 1, 0, 1, 1, 0));
        expect(oct25).toEqual(m(1, 1, 1, 0, 1, 1, 4_000));
      });
    });

    describe('timeseries', () => {
      test('timeseries: local days, a visit counted in the bucket it starts in, empty buckets zero', async () => {
        const days = [BERLIN_DAYS.oct24, BERLIN_DAYS.oct25, BERLIN_DAYS.oct26, BERLIN_DAYS.oct27];
        expect(await store.timeseries({ site: SHOP, buckets: days, filters: [] })).toEqual([
          // v1 v2; pv s101 x2, s201's /pricing; s101 and s201 start here with all 4 of their pageviews.
          m(2, 2, 3, 1, 0, 4, 155_000),
          // v2 (its /blog/two) v3 v4; visits s301 s302 s401.
          m(3, 3, 4, 0, 2, 3, 19_000),
          // v7 v5 v6; visits s701 s501 s601.
          m(3, 3, 3, 3, 1, 3, 60_000),
          ZERO,
        ]);
      });

      test('timeseries: the doubled hour of the end of summer time is two buckets', async () => {
        const hours = [
          { from: Date.parse('2026-10-25T00:00:00Z'), to: Date.parse('2026-10-25T01:00:00Z') },
          { from: Date.parse('2026-10-25T01:00:00Z'), to: Date.parse('2026-10-25T02:00:00Z') },
        ];
        expect(await store.timeseries({ site: SHOP, buckets: hours, filters: [] })).toEqual([
          m(1, 1, 1, 0, 1, 1, 4_000),
          m(1, 1, 1, 0, 0, 1, 15_000),
        ]);
      });

      test('timeseries: filters apply per bucket', async () => {
        const days = [BERLIN_DAYS.oct24, BERLIN_DAYS.oct25, BERLIN_DAYS.oct26];
        expect(await store.timeseries({ site: SHOP, buckets: days, filters: [is(event('name'), 'Signup')] })).toEqual([
          m(1, 1, 0, 1, 0, 2, 150_000),
          ZERO,
          m(2, 2, 0, 2, 0, 2, 60_000),
        ]);
      });
    });

    describe('breakdown', () => {
      for (const [title, property, filters, expected] of BREAKDOWNS) {
        test(`breakdown: ${title}`, async () => {
          expect(byValue(await store.breakdown({ site: SHOP, range: SHOP_RANGE, filters, property }))).toEqual(expected);
        });
      }

      // Each page must be the slice of the whole breakdown ranked as the API ranks it.
      for (const [title, property, filters] of BREAKDOWNS) {
        for (const rankBy of ['visitors', 'bounce_rate', 'views_per_visit'] as const) {
          test(`breakdown page: ${title} by ${rankBy}`, async () => {
            const all = await store.breakdown({ site: SHOP, range: SHOP_RANGE, filters, property });
            const ranked = pageOfGroups(all, { rankBy, offset: 0, limit: all.length }, (row) => row.measures, (row) => row.value);
            for (const [offset, limit] of [[0, 1], [1, 2], [0, 100]] as const) {
              const page = await store.breakdown({ site: SHOP, range: SHOP_RANGE, filters, property, page: { rankBy, offset, limit } });
              expect(page).toEqual(ranked.slice(offset, offset + limit));
            }
          });
        }
      }

      test('breakdown: an empty site has no rows', async () => {
        expect(await store.breakdown({ site: EMPTY, range: SHOP_RANGE, filters: [], property: event('page') })).toEqual([]);
      });
    });

    describe('event measures only', () => {
      const eventPart = (measures: Measures) => ({ visitors: measures.visitors, pageviews: measures.pageviews, events: measures.events });
      const hinted = [
        ['no filter', []],
        ['event:page matches /blog/*', [like(event('page'), '/blog/*')]],
        ['event:props:plan is not pro', [isNot(prop('plan'), 'pro')]],
        ['visit:country is not DE', [isNot(visitProp('country'), 'DE')]],
      ] as const;

      for (const [title, filters] of hinted) {
        test(`event measures only: aggregate, ${title}`, async () => {
          const expected = AGGREGATES.find(([name]) => name === title)![2];
          const answer = await store.aggregate({ site: SHOP, range: SHOP_RANGE, filters: [...filters], eventMeasuresOnly: true });
          expect(eventPart(answer)).toEqual(eventPart(expected));
        });
      }

      test('event measures only: timeseries and breakdowns', async () => {
        const days = [BERLIN_DAYS.oct24, BERLIN_DAYS.oct25, BERLIN_DAYS.oct26, BERLIN_DAYS.oct27];
        const series = await store.timeseries({ site: SHOP, buckets: days, filters: [], eventMeasuresOnly: true });
        expect(series.map(eventPart)).toEqual([
          { visitors: 2, pageviews: 3, events: 1 },
          { visitors: 3, pageviews: 4, events: 0 },
          { visitors: 3, pageviews: 3, events: 3 },
          { visitors: 0, pageviews: 0, events: 0 },
        ]);
        for (const [title, property, filters, expected] of BREAKDOWNS) {
          const rows = byValue(await store.breakdown({ site: SHOP, range: SHOP_RANGE, filters, property, eventMeasuresOnly: true }));
          expect([title, rows.map((row) => [row.value, eventPart(row.measures)])]).toEqual([
            title,
            expected.map((row) => [row.value, eventPart(row.measures)]),
          ]);
        }
      });
    });

    describe('sites and keys', () => {
      test('sites: public flag defaults to false and can be changed', async () => {
        expect((await store.getSite(SHOP))?.public ?? false).toBe(false);
        await store.createSite({ domain: 'open.example', timezone: 'UTC', createdAt: 5, public: true });
        expect(await store.getSite('open.example')).toEqual({ domain: 'open.example', timezone: 'UTC', createdAt: 5, public: true });
        expect(await store.updateSite('open.example', { public: false })).toEqual({
          domain: 'open.example',
          timezone: 'UTC',
          createdAt: 5,
          public: false,
        });
        expect((await store.getSite('open.example'))?.public).toBe(false);
        expect(await store.updateSite('missing.example', { public: true })).toBeNull();
      });

      test('keys: stored, found by hash, listed per site oldest first', async () => {
        const first: ApiKeyRecord = { id: 'k1', site: SHOP, scopes: ['stats:read'], hash: 'a'.repeat(64), createdAt: 10 };
        const second: ApiKeyRecord = { id: 'k2', site: SHOP, scopes: ['stats:read', 'sites:admin'], hash: 'b'.repeat(64), createdAt: 20 };
        const other: ApiKeyRecord = { id: 'k3', site: BLOG, scopes: ['sites:admin'], hash: 'c'.repeat(64), createdAt: 15 };
        await store.createApiKey(second);
        await store.createApiKey(first);
        await store.createApiKey(other);
        expect(await store.findApiKey('b'.repeat(64))).toEqual(second);
        expect(await store.findApiKey('d'.repeat(64))).toBeNull();
        expect(await store.listApiKeys(SHOP)).toEqual([first, second]);
        expect(await store.listApiKeys(EMPTY)).toEqual([]);
      });
    });
  });
}
