/**
 * The storage contract for goals and funnels: goal filters, funnels and the definitions, over a
 * fixture counted by hand, the same answers from every store. Eight visitors of goals.example:
 *
 *   V1 Google  s1: /  /pricing  Signup  /blog/a          Nov 28
 *   V2 Google  s2: /blog/b  Signup  Signup
 *   V3 direct  s3: /  /pricing
 *   V4 direct  s4: /  Signup                              skips /pricing
 *   V5 Google  s5: /about
 *   V6 direct  s6: /  /pricing   s7: Signup               the Signup is another visit
 *   V7 Google  s8: /pricing  /  Signup                    /pricing before /
 *   V8         s9: / (Nov 27 23:59, Bing)  /pricing  Signup (Nov 28 00:01, 00:02, Twitter)
 *
 * V8's visit is cut by Nov 28's start: inside Nov 28 it is /pricing then Signup, from Twitter.
 */
import { goalsAsFilters } from '../../src/goals/goal-query.js';
import type { EventStore, Filter, FunnelQuery, GoalFilter, StatsFilter, StoredEvent } from '../../src/store/types.js';
import { storedEvent } from '../support/store-basics.js';

const SITE = 'goals.example';
const at = (iso: string) => Date.parse(`2026-11-${iso}:00Z`);
const DAY = { from: at('28T00:00'), to: at('29T00:00') };
const TWO_DAYS = { from: at('27T00:00'), to: at('29T00:00') };

const ev = (visitor: number, session: number, time: string, what: string, source: string | null): StoredEvent =>
  storedEvent({
    site: SITE,
    hostname: SITE,
    visitorId: visitor,
    sessionId: session,
    ts: at(time),
    referrerSource: source,
    ...(what.startsWith('/') ? { path: what } : { name: what, path: '/' }),
  });

export const GOALS_FIXTURE: StoredEvent[] = [
  ev(8, 9, '27T23:59', '/', 'Bing'),
  ev(8, 9, '28T00:01', '/pricing', 'Twitter'),
  ev(8, 9, '28T00:02', 'Signup', 'Twitter'),
  ev(7, 8, '28T06:00', '/pricing', 'Google'),
  ev(7, 8, '28T06:01', '/', 'Google'),
  ev(7, 8, '28T06:02', 'Signup', 'Google'),
  ev(6, 6, '28T07:00', '/', null),
  ev(6, 6, '28T07:01', '/pricing', null),
  ev(1, 1, '28T08:00', '/', 'Google'),
  ev(1, 1, '28T08:01', '/pricing', 'Google'),
  ev(1, 1, '28T08:02', 'Signup', 'Google'),
  ev(1, 1, '28T08:03', '/blog/a', 'Google'),
  ev(2, 2, '28T09:00', '/blog/b', 'Google'),
  ev(2, 2, '28T09:01', 'Signup', 'Google'),
  ev(2, 2, '28T09:02', 'Signup', 'Google'),
  ev(3, 3, '28T10:00', '/', null),
  ev(3, 3, '28T10:01', '/pricing', null),
  ev(4, 4, '28T10:30', '/', null),
  ev(4, 4, '28T10:31', 'Signup', null),
  ev(5, 5, '28T11:00', '/about', 'Google'),
  ev(6, 7, '28T11:30', 'Signup', null),
];

const SIGNUP = { type: 'event', value: 'Signup' } as const;
const HOME = { type: 'page', value: '/' } as const;
const PRICING = { type: 'page', value: '/pricing' } as const;
const BLOG = { type: 'page', value: '/blog/*' } as const;
const source = (value: string): Filter => ({ property: { scope: 'visit', field: 'source' }, match: 'exact', values: [value], negated: false });
const page = (value: string): Filter => ({ property: { scope: 'event', field: 'page' }, match: 'exact', values: [value], negated: false });
const anyGoal = (...goals: GoalFilter['goals']): GoalFilter => ({ goals });

export function runGoalsContract(name: string, create: () => Promise<EventStore> | EventStore): void {
  describe(`goals and funnels contract: ${name}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await create();
      await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: at('01T00:00') });
      await store.insertEvents(GOALS_FIXTURE);
    });

    afterAll(async () => {
      await store.close();
    });

    const visitorsAndEvents = async (filters: StatsFilter[], range = DAY) => {
      const measures = await store.aggregate({ site: SITE, range, filters, eventMeasuresOnly: true });
      return [measures.visitors, measures.pageviews + measures.events];
    };
    const funnel = (steps: FunnelQuery['steps'], filters: StatsFilter[] = [], range = DAY) => store.funnel({ site: SITE, range, filters, steps });

    it('counts goal completions as filters', async () => {
      // Signup: V1 V2 V4 V6 V7 V8, 7 of them; /pricing: V1 V3 V6 V7 V8; /blog/*: V1 V2.
      expect(await visitorsAndEvents(goalsAsFilters([SIGNUP]))).toEqual([6, 7]);
      expect(await visitorsAndEvents(goalsAsFilters([PRICING]))).toEqual([5, 5]);
      expect(await visitorsAndEvents(goalsAsFilters([BLOG]))).toEqual([2, 2]);
      expect(await visitorsAndEvents(goalsAsFilters([PRICING, BLOG]))).toEqual([6, 7]);
      // From Google: V1 V2 V7 signed up, 4 Signups.
      expect(await visitorsAndEvents([source('Google'), ...goalsAsFilters([SIGNUP])])).toEqual([3, 4]);
    });

    it('counts an event completing a goal of either kind, in every query', async () => {
      const mixed = anyGoal(SIGNUP, PRICING);
      expect(goalsAsFilters([SIGNUP, PRICING])).toEqual([mixed]);
      // Signup: 7 by V1 V2 V4 V6 V7 V8; /pricing: 5 by V1 V3 V6 V7 V8; seven visitors in all.
      expect(await visitorsAndEvents([mixed])).toEqual([7, 12]);
      // Sign* as a wildcard, or the blog: V1 V2 V4 V6 V7 V8, with 7 Signups and 2 blog pages.
      expect(await visitorsAndEvents([anyGoal({ type: 'event', value: 'Sign*' }, BLOG)])).toEqual([6, 9]);
      // From Google: V1 V2 V7, 4 Signups and 2 /pricing.
      expect(await visitorsAndEvents([source('Google'), mixed])).toEqual([3, 6]);
      // Visits s1-s4 and s6-s9 each have a Signup or /pricing, and all their 12 pageviews; none bounced.
      expect(await store.aggregate({ site: SITE, range: DAY, filters: [mixed] })).toMatchObject({ visitors: 7, visits: 8, pageviews: 5, events: 7, bounces: 0, visitPageviews: 12 });
      // 00:00-06:00: V8's two; 06:00-12:00: the other ten.
      const quarters = Array.from({ length: 4 }, (_, i) => ({ from: DAY.from + i * 6 * 3_600_000, to: DAY.from + (i + 1) * 6 * 3_600_000 }));
      for (const eventMeasuresOnly of [true, false]) {
        const series = await store.timeseries({ site: SITE, buckets: quarters, filters: [mixed], eventMeasuresOnly });
        expect(series.map((m) => [m.visitors, m.pageviews + m.events])).toEqual([[1, 2], [6, 10], [0, 0], [0, 0]]);
      }
      const rows = async (property: Parameters<EventStore['breakdown']>[0]['property'], eventMeasuresOnly: boolean) =>
        (await store.breakdown({ site: SITE, range: DAY, filters: [mixed], property, eventMeasuresOnly }))
          .map((row) => [row.value, row.measures.visitors, row.measures.pageviews + row.measures.events])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      for (const eventMeasuresOnly of [true, false]) {
        // The Signups are on /.
        expect(await rows({ scope: 'event', field: 'page' }, eventMeasuresOnly)).toEqual([['/', 6, 7], ['/pricing', 5, 5]]);
        expect(await rows({ scope: 'event', field: 'name' }, eventMeasuresOnly)).toEqual([['pageview', 5, 5], ['Signup', 6, 7]]);
        expect(await rows({ scope: 'visit', field: 'source' }, eventMeasuresOnly)).toEqual([['Google', 3, 6], [null, 3, 4], ['Twitter', 1, 2]]);
      }
      // Only events completing a goal of the filter may complete a step: the / pageviews do not.
      expect(await funnel([PRICING, SIGNUP], [mixed])).toEqual([5, 3]);
      expect(await funnel([HOME, SIGNUP], [mixed])).toEqual([0, 0]);
    });

    it('counts funnel steps within one visit, in order', async () => {
      // /: V1 V3 V4 V6 V7; then /pricing: V1 V3 V6; then Signup: V1 (V8's / is the day before).
      expect(await funnel([HOME, PRICING, SIGNUP])).toEqual([5, 3, 1]);
      // Over both days V8's visit is whole: / /pricing Signup.
      expect(await funnel([HOME, PRICING, SIGNUP], [], TWO_DAYS)).toEqual([6, 4, 2]);
      // /pricing: V1 V3 V6 V7 V8; then Signup in the same visit: V1 V7 V8.
      expect(await funnel([PRICING, SIGNUP])).toEqual([5, 3]);
      // Signup: six visitors; then the blog: V1 only (V2 read it before signing up).
      expect(await funnel([SIGNUP, BLOG])).toEqual([6, 1]);
      expect(await funnel([HOME, PRICING], [], { from: at('29T00:00'), to: at('30T00:00') })).toEqual([0, 0]);
    });

    it('filters funnels by the visit as the range holds it, and by event', async () => {
      // Inside Nov 28, V8's visit starts from Twitter; over both days it starts from Bing.
      expect(await funnel([PRICING, SIGNUP], [source('Twitter')])).toEqual([1, 1]);
      expect(await funnel([PRICING, SIGNUP], [source('Twitter')], TWO_DAYS)).toEqual([0, 0]);
      expect(await funnel([HOME, PRICING, SIGNUP], [source('Bing')], TWO_DAYS)).toEqual([1, 1, 1]);
      expect(await funnel([HOME, PRICING, SIGNUP], [source('Google')])).toEqual([2, 1, 1]);
      // Only events on /pricing may complete a step: the Signups are on /.
      expect(await funnel([PRICING, SIGNUP], [page('/pricing')])).toEqual([5, 0]);
    });

    it('keeps goals and funnels per site, and forgets them with the site', async () => {
      const first = await store.putGoal({ id: 11, site: SITE, type: 'event', value: 'Signup', createdAt: 1 });
      expect(first).toEqual({ id: 11, site: SITE, type: 'event', value: 'Signup', createdAt: 1 });
      expect((await store.putGoal({ id: 12, site: SITE, type: 'event', value: 'Signup', createdAt: 2 })).id).toBe(11);
      await store.putGoal({ id: 13, site: SITE, type: 'page', value: '/pricing', createdAt: 3 });
      expect((await store.listGoals(SITE)).map((goal) => goal.id)).toEqual([11, 13]);
      expect(await store.listGoals('other.example')).toEqual([]);

      const funnel = await store.putFunnel({ id: 21, site: SITE, name: 'Buy', steps: [13, 11], createdAt: 4 });
      expect(funnel).toEqual({ id: 21, site: SITE, name: 'Buy', steps: [13, 11], createdAt: 4 });
      const replaced = await store.putFunnel({ id: 22, site: SITE, name: 'Buy', steps: [11, 13], createdAt: 5 });
      expect(replaced).toEqual({ id: 21, site: SITE, name: 'Buy', steps: [11, 13], createdAt: 4 });
      expect(await store.listFunnels(SITE)).toEqual([replaced]);

      expect(await store.deleteGoal(SITE, 13)).toBe(true);
      expect(await store.deleteGoal(SITE, 13)).toBe(false);
      expect(await store.deleteFunnel('other.example', 21)).toBe(false);
      expect(await store.deleteFunnel(SITE, 21)).toBe(true);

      await store.putFunnel({ id: 23, site: SITE, name: 'Again', steps: [11, 11], createdAt: 6 });
      expect(await store.deleteSite(SITE)).toBe(true);
      expect(await store.listGoals(SITE)).toEqual([]);
      expect(await store.listFunnels(SITE)).toEqual([]);
    });
  });
}
