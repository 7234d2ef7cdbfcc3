/**
 * The v1 Stats API served from the MongoDB store's pipelines (run on mingo) must answer exactly
 * as when served from the embedded store: events arrive through the real ingest (enrichment,
 * visitor ids, sessions), and every query goes through the real routes, periods and filters.
 */
import type { Express } from 'express';
import request from 'supertest';
import { LocalAdmission } from '../../src/admission/local-admission.js';
import { createApp, createWriter } from '../../src/app.js';
import { RateLimits } from '../../src/http/rate-limit.js';
import { MemoryVisitState } from '../../src/visits/memory-visit-state.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config.js';
import { registerSite } from '../../src/sites/register-site.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { EventStore } from '../../src/store/types.js';
import { ManualClock } from '../support/manual-clock.js';
import { MingoPipelineStore } from '../support/mingo-store.js';

interface Served {
  app: Express;
  store: EventStore;
  clock: ManualClock;
  drain(): Promise<void>;
}

async function serve(store: EventStore): Promise<Served> {
  const config = loadConfig({ DEMO: 'false', DEFAULT_SITE: 'shop.example', TRUST_PROXY: 'true' });
  const clock = new ManualClock('2026-10-24T06:00:00Z');
  await registerSite(store, { domain: 'shop.example', timezone: 'Europe/Berlin', public: true }, clock.now());
  const visits = new MemoryVisitState(clock);
  const writer = createWriter(store, config, new LocalAdmission(RateLimits.memory(config.rateLimits), visits));
  const app = createApp({ config, store, cache: new MemoryCache(clock), clock, writer, visits });
  return { app, store, clock, drain: () => writer.drain() };
}

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
];
const PAGES = ['/', '/pricing', '/blog/one', '/blog/two?utm_source=news&utm_campaign=fall', '/a.b'];
const REFERRERS = [null, 'https://www.google.com/', 'https://news.ycombinator.com/item?id=1', 'https://t.co/x'];

/** A deterministic walk through three days of visits; the clock moves with it. */
async function sendTraffic(served: Served): Promise<void> {
  let seed = 7;
  // The high bits of a linear congruential generator; its low bits repeat with a short period.
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((seed / 2 ** 31) * n);
  };
  for (let step = 0; step < 160; step++) {
    // Mostly minutes apart (one visit goes on), sometimes hours (a new visit starts).
    served.clock.advance((next(5) === 0 ? 40 + next(300) : 1 + next(10)) * 60_000);
    const visitor = next(9);
    const kind = next(10);
    const body =
      kind < 7
        ? { site: 'shop.example', url: `https://shop.example${PAGES[next(PAGES.length)]}`, referrer: REFERRERS[next(REFERRERS.length)] }
        : kind < 9
          ? { site: 'shop.example', name: 'Signup', url: 'https://shop.example/pricing', props: { plan: next(2) ? 'pro' : 'free' } }
          : { site: 'shop.example', name: 'engagement', url: 'https://shop.example/', engagement_ms: 1_000 + next(20_000) };
    const response = await request(served.app)
      .post('/api/event')
      .set('User-Agent', AGENTS[visitor % AGENTS.length]!)
      .set('X-Forwarded-For', `203.0.113.${visitor}`)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(body));
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${response.text}`);
  }
}

const QUERIES = [
  '/api/v1/stats/aggregate?site_id=shop.example&period=7d&metrics=visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,events',
  '/api/v1/stats/aggregate?site_id=shop.example&period=7d&compare=previous_period&filters=event:page==/blog/*',
  '/api/v1/stats/aggregate?site_id=shop.example&period=7d&metrics=visitors,events&filters=event:props:plan==pro',
  '/api/v1/stats/timeseries?site_id=shop.example&period=7d&metrics=visitors,visits,pageviews,bounce_rate',
  '/api/v1/stats/timeseries?site_id=shop.example&period=day&interval=hour&metrics=visitors,pageviews',
  '/api/v1/stats/breakdown?site_id=shop.example&period=7d&property=event:page&metrics=visitors,pageviews,bounce_rate',
  '/api/v1/stats/breakdown?site_id=shop.example&period=7d&property=visit:source&metrics=visitors,visits,visit_duration',
  '/api/v1/stats/breakdown?site_id=shop.example&period=7d&property=visit:entry_page&filters=visit:browser!=Chrome',
  '/api/v1/stats/breakdown?site_id=shop.example&period=7d&property=event:props:plan&filters=event:name==Signup&metrics=visitors,events',
  '/api/v1/stats/breakdown?site_id=shop.example&period=7d&property=visit:utm_campaign&filters=event:page~blog',
  '/api/v1/stats/aggregate?site_id=shop.example&period=7d&metrics=visitors,visits,events,bounce_rate,conversion_rate&filters=event:goal==Signup|Visit%20/blog/*',
  '/api/v1/stats/breakdown?site_id=shop.example&period=7d&property=visit:source&metrics=visitors,events,conversion_rate&filters=event:goal==Signup|Visit%20/blog/*',
  '/api/stats?site=shop.example&from=2026-10-20&to=2026-10-30',
];

describe('the v1 Stats API on the MongoDB pipelines (mingo) and on SQLite', () => {
  let sqlite: Served;
  let mongo: Served;

  beforeAll(async () => {
    sqlite = await serve(openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' }));
    mongo = await serve(new MingoPipelineStore());
    await sendTraffic(sqlite);
    await sendTraffic(mongo);
    // 320 requests through the real ingest, each batch's visits merged by mingo: seconds on a busy machine.
  }, 60_000);

  afterAll(async () => {
    for (const served of [sqlite, mongo]) {
      await served.drain();
      await served.store.close();
    }
  });

  it('stored the same traffic in both', async () => {
    expect(await mongo.store.countEvents('shop.example')).toBe(await sqlite.store.countEvents('shop.example'));
    expect(await mongo.store.countEvents('shop.example')).toBeGreaterThan(100);
  });

  it.each(QUERIES)('answers %s identically', async (url) => {
    const [fromSqlite, fromMongo] = await Promise.all([request(sqlite.app).get(url), request(mongo.app).get(url)]);
    expect(fromSqlite.status).toBe(200);
    expect(fromMongo.status).toBe(200);
    expect(fromMongo.body).toEqual(fromSqlite.body);
  });
});
