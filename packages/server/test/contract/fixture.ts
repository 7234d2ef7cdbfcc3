/**
 * The contract fixture: a few days of two sites, small enough that every expected answer in
 * stats-contract.ts is counted by hand from the table below.
 *
 * shop.example (Europe/Berlin). 2026-10-25 is the day summer time ends: 03:00 CEST becomes
 * 02:00 CET at 01:00Z, so that local day lasts 25 hours. Local days as UTC instants:
 *   Oct 24 = [10-23T22:00Z, 10-24T22:00Z)   Oct 25 = [10-24T22:00Z, 10-25T23:00Z)
 *   Oct 26 = [10-25T23:00Z, 10-26T23:00Z)
 *
 *  visit  visitor  first event (UTC)  events (pv = pageview, eng = engagement ms)             country browser  source
 *  s100   v1       10-23 10:00        pv /  (before every range)                              DE      Firefox  -
 *  s101   v1       10-24 08:00        pv /, eng 30000, pv /blog/one, eng 120000,              DE      Firefox  Google
 *                                     Signup{plan:pro} on /blog/one
 *  s201   v2       10-24 21:50        pv /pricing (utm newsletter/email/fall), eng 5000,      US      Chrome   newsletter
 *                                     pv /blog/two at 22:10 (crosses local midnight)
 *  s301   v3       10-25 00:30        pv /, eng 4000 (02:30 CEST, first of the doubled hour)  DE      Safari   -
 *  s302   v3       10-25 01:30        pv /blog/one, eng 15000 (02:30 CET, the second one)     DE      Safari   Hacker News
 *  s401   v4       10-25 22:30        pv /pricing (23:30 CET: only in a 25-hour Oct 25)       -       Chrome   Google
 *  s701   v7       10-25 23:00        pv / (exactly the start of local Oct 26)                DE      Chrome   -
 *  s501   v5       10-26 08:00        pv /blog/two, Download{file:a.pdf}, eng 60000,          FR      Firefox  Twitter
 *                                     pv /pricing, Signup{plan:free} on /pricing
 *  s601   v6       10-26 10:00        Signup{plan:pro} on api.shop.example /api, no pageview  DE      -        -
 *
 * blog.example (America/New_York), reusing visitor and visit numbers of shop.example to prove
 * sites never mix: s101/v1 on 10-25 12:00Z, pv / and pv /about.
 * empty.example has no events. Bots never reach a store (ingest drops them), so their case is
 * tested at ingest (test/ingest.test.ts), not here.
 */
import type { StoredEvent } from '../../src/store/types.js';
import { storedEvent } from '../support/store-basics.js';

export const SHOP = 'shop.example';
export const BLOG = 'blog.example';
export const EMPTY = 'empty.example';

const at = (iso: string) => Date.parse(iso);

export const BERLIN_DAYS = {
  oct24: { from: at('2026-10-23T22:00:00Z'), to: at('2026-10-24T22:00:00Z') },
  oct25: { from: at('2026-10-24T22:00:00Z'), to: at('2026-10-25T23:00:00Z') },
  oct26: { from: at('2026-10-25T23:00:00Z'), to: at('2026-10-26T23:00:00Z') },
  oct27: { from: at('2026-10-26T23:00:00Z'), to: at('2026-10-27T23:00:00Z') },
};
/** Oct 24 to 26, Berlin. */
export const SHOP_RANGE = { from: BERLIN_DAYS.oct24.from, to: BERLIN_DAYS.oct26.to };
/** Oct 25 in New York (EDT, UTC-4). */
export const BLOG_DAY = { from: at('2026-10-25T04:00:00Z'), to: at('2026-10-26T04:00:00Z') };

interface Visit {
  site?: string;
  visitor: number;
  session: number;
  country: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  hostname?: string;
}

type Step = Partial<StoredEvent> & { ts: number };

function visit(v: Visit, steps: Step[]): StoredEvent[] {
  return steps.map((step) =>
    storedEvent({
      site: v.site ?? SHOP,
      hostname: v.hostname ?? (v.site ?? SHOP),
      browser: v.browser,
      os: v.os,
      device: v.device,
      country: v.country,
      screenWidth: v.device === 'Mobile' ? 390 : 1440,
      visitorId: v.visitor,
      sessionId: v.session,
      ...step,
    }),
  );
}

const engagement = (iso: string, path: string, ms: number): Step => ({ ts: at(iso), name: 'engagement', path, engagementMs: ms });

export const FIXTURE: StoredEvent[] = [
  ...visit({ visitor: 1, session: 100, country: 'DE', browser: 'Firefox', os: 'Linux', device: 'Desktop' }, [
    { ts: at('2026-10-23T10:00:00Z') },
  ]),
  ...visit({ visitor: 1, session: 101, country: 'DE', browser: 'Firefox', os: 'Linux', device: 'Desktop' }, [
    { ts: at('2026-10-24T08:00:00Z'), referrer: 'google.com', referrerSource: 'Google' },
    engagement('2026-10-24T08:00:30Z', '/', 30_000),
    { ts: at('2026-10-24T08:01:00Z'), path: '/blog/one' },
    engagement('2026-10-24T08:03:00Z', '/blog/one', 120_000),
    { ts: at('2026-10-24T08:03:10Z'), name: 'Signup', path: '/blog/one', props: { plan: 'pro' } },
  ]),
  ...visit({ visitor: 2, session: 201, country: 'US', browser: 'Chrome', os: 'Windows', device: 'Desktop' }, [
    {
      ts: at('2026-10-24T21:50:00Z'),
      path: '/pricing',
      referrerSource: 'newsletter',
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'fall',
    },
    engagement('2026-10-24T21:55:00Z', '/pricing', 5_000),
    { ts: at('2026-10-24T22:10:00Z'), path: '/blog/two' },
  ]),
  ...visit({ visitor: 3, session: 301, country: 'DE', browser: 'Safari', os: 'iOS', device: 'Mobile' }, [
    { ts: at('2026-10-25T00:30:00Z') },
    engagement('2026-10-25T00:30:05Z', '/', 4_000),
  ]),
  ...visit({ visitor: 3, session: 302, country: 'DE', browser: 'Safari', os: 'iOS', device: 'Mobile' }, [
    { ts: at('2026-10-25T01:30:00Z'), path: '/blog/one', referrer: 'news.ycombinator.com', referrerSource: 'Hacker News' },
    engagement('2026-10-25T01:30:20Z', '/blog/one', 15_000),
  ]),
  ...visit({ visitor: 4, session: 401, country: null, browser: 'Chrome', os: 'Android', device: 'Mobile' }, [
    { ts: at('2026-10-25T22:30:00Z'), path: '/pricing', referrer: 'google.com', referrerSource: 'Google' },
  ]),
  ...visit({ visitor: 7, session: 701, country: 'DE', browser: 'Chrome', os: 'Linux', device: 'Desktop' }, [
    { ts: at('2026-10-25T23:00:00Z') },
  ]),
  ...visit({ visitor: 5, session: 501, country: 'FR', browser: 'Firefox', os: 'macOS', device: 'Desktop' }, [
    { ts: at('2026-10-26T08:00:00Z'), path: '/blog/two', referrer: 't.co', referrerSource: 'Twitter' },
    { ts: at('2026-10-26T08:00:40Z'), name: 'Download', path: '/blog/two', props: { file: 'a.pdf' } },
    engagement('2026-10-26T08:01:00Z', '/blog/two', 60_000),
    { ts: at('2026-10-26T08:02:00Z'), path: '/pricing' },
    { ts: at('2026-10-26T08:05:00Z'), name: 'Signup', path: '/pricing', props: { plan: 'free' } },
  ]),
  ...visit(
    { visitor: 6, session: 601, country: 'DE', browser: null, os: null, device: null, hostname: 'api.shop.example' },
    [{ ts: at('2026-10-26T10:00:00Z'), name: 'Signup', path: '/api', props: { plan: 'pro' } }],
  ),
  ...visit({ site: BLOG, visitor: 1, session: 101, country: 'US', browser: 'Edge', os: 'Windows', device: 'Desktop' }, [
    { ts: at('2026-10-25T12:00:00Z') },
    { ts: at('2026-10-25T12:00:10Z'), path: '/about' },
  ]),
];
