/**
 * The v1 stats endpoints over HTTP: parameters, periods in the site's time zone, response
 * shapes, errors, caching and freshness. What each number means is the storage contract's
 * business (test/contract); these tests check what the routes add on top.
 */
import request from 'supertest';
import { registerSite } from '../src/sites/register-site.js';
import type { StoredEvent } from '../src/store/types.js';
import { storedEvent } from './support/store-basics.js';
import { BROWSER_UA, createTestApp, pageview, type TestApp } from './support/test-app.js';

let t: TestApp;

function stored(overrides: Partial<StoredEvent> & { ts: number }): StoredEvent {
  return storedEvent({
    site: 'berlin.example',
    hostname: 'berlin.example',
    browser: 'Firefox',
    device: 'Desktop',
    visitorId: 1,
    sessionId: 1,
    ...overrides,
  });
}

const at = (iso: string) => Date.parse(iso);

beforeEach(async () => {
  // 10:00 UTC on Oct 26 = 11:00 CET in Berlin; summer time ended the day before.
  t = await createTestApp({ now: '2026-10-26T10:00:00Z' });
  await registerSite(t.store, { domain: 'berlin.example', timezone: 'Europe/Berlin', public: true }, t.clock.now());
  await t.store.insertEvents([
    // Oct 24 local: one visit with two pageviews and 40 s of engagement.
    stored({ ts: at('2026-10-24T08:00:00Z'), sessionId: 1 }),
    stored({ ts: at('2026-10-24T08:01:00Z'), sessionId: 1, path: '/blog' }),
    stored({ ts: at('2026-10-24T08:02:00Z'), sessionId: 1, path: '/blog', name: 'engagement', engagementMs: 40_000 }),
    // Oct 25 local, 23:30 CET = 22:30Z: in the 25-hour day, a bounce from Google in France.
    stored({ ts: at('2026-10-25T22:30:00Z'), visitorId: 2, sessionId: 2, country: 'FR', referrerSource: 'Google' }),
    // Oct 26 local (today): a Signup and a pageview by visitor 3.
    stored({ ts: at('2026-10-26T09:00:00Z'), visitorId: 3, sessionId: 3, path: '/pricing' }),
    stored({ ts: at('2026-10-26T09:01:00Z'), visitorId: 3, sessionId: 3, path: '/pricing', name: 'Signup', props: { plan: 'pro' } }),
  ]);
});

afterEach(async () => {
  await t.close();
});

const get = (path: string, query: Record<string, string>) => request(t.app).get(path).query({ site_id: 'berlin.example', ...query });

describe('GET /api/v1/stats/aggregate', () => {
  it('answers every metric over a custom period of local days', async () => {
    const response = await get('/api/v1/stats/aggregate', {
      period: 'custom',
      date: '2026-10-24,2026-10-26',
      metrics: 'visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration,events',
    }).expect(200);
    // 3 visits: 2+1+1 pageviews; one bounce of three is 33 %; 40 s over 3 visits is 13 s;
    // events counts the 4 pageviews and the Signup.
    expect(response.body).toEqual({
      results: {
        visitors: { value: 3 },
        visits: { value: 3 },
        pageviews: { value: 4 },
        views_per_visit: { value: 1.33 },
        bounce_rate: { value: 33 },
        visit_duration: { value: 13 },
        events: { value: 5 },
      },
    });
  });

  it('takes day from the site time zone, 25 hours across the end of summer time', async () => {
    const response = await get('/api/v1/stats/aggregate', { period: 'day', date: '2026-10-25', metrics: 'pageviews' }).expect(200);
    expect(response.body).toEqual({ results: { pageviews: { value: 1 } } });
  });

  it('defaults to 30 days ending today, with visitors', async () => {
    const response = await get('/api/v1/stats/aggregate', {}).expect(200);
    expect(response.body).toEqual({ results: { visitors: { value: 3 } } });
  });

  it('compares with the previous period', async () => {
    // Today (Oct 26): 1 visitor, 1 pageview and a Signup; yesterday: 1 visitor, 1 pageview, a bounce.
    const response = await get('/api/v1/stats/aggregate', {
      period: 'day',
      metrics: 'visitors,pageviews,bounce_rate,events',
      compare: 'previous_period',
    }).expect(200);
    expect(response.body).toEqual({
      results: {
        visitors: { value: 1, change: 0 },
        pageviews: { value: 1, change: 0 },
        bounce_rate: { value: 0, change: -100 },
        events: { value: 2, change: 100 },
      },
    });
  });

  it('applies filters', async () => {
    const response = await get('/api/v1/stats/aggregate', {
      period: '7d',
      metrics: 'visitors,pageviews',
      filters: 'event:page==/blog*|/pricing;visit:country!=FR',
    }).expect(200);
    expect(response.body).toEqual({ results: { visitors: { value: 2 }, pageviews: { value: 2 } } });
  });

  it('matches a prop against several patterns or fragments', async () => {
    // Only the Signup carries plan=pro; a negated filter also keeps the 4 pageviews, which carry no plan.
    for (const [filters, events] of [['event:props:plan==free*|pr*', 1], ['event:props:plan~ee|ro', 1], ['event:props:plan!~ee|xx', 5], ['event:props:plan!~ro', 4]] as const) {
      const response = await get('/api/v1/stats/aggregate', { period: '7d', metrics: 'events', filters }).expect(200);
      expect(response.body).toEqual({ results: { events: { value: events } } });
    }
  });
});

describe('GET /api/v1/stats/timeseries', () => {
  it('fills empty local days with zeros', async () => {
    const response = await get('/api/v1/stats/timeseries', {
      period: 'custom',
      date: '2026-10-23,2026-10-26',
      metrics: 'visitors,pageviews',
    }).expect(200);
    expect(response.body).toEqual({
      results: [
        { date: '2026-10-23', visitors: 0, pageviews: 0 },
        { date: '2026-10-24', visitors: 1, pageviews: 2 },
        { date: '2026-10-25', visitors: 1, pageviews: 1 },
        { date: '2026-10-26', visitors: 1, pageviews: 1 },
      ],
    });
  });

  it('gives the doubled hour of Oct 25 two buckets in a day of 25 hours', async () => {
    const response = await get('/api/v1/stats/timeseries', { period: 'day', date: '2026-10-25' }).expect(200);
    const dates = (response.body.results as Array<{ date: string; visitors: number }>).map((row) => row.date);
    expect(dates).toHaveLength(25);
    expect(dates.filter((date) => date === '2026-10-25 02:00:00')).toHaveLength(2);
    expect(response.body.results[24]).toEqual({ date: '2026-10-25 23:00:00', visitors: 1 });
  });

  it('buckets by month from Monday weeks to calendar months', async () => {
    const weeks = await get('/api/v1/stats/timeseries', { period: '30d', interval: 'week', metrics: 'pageviews' }).expect(200);
    expect(weeks.body.results.at(-1)).toEqual({ date: '2026-10-26', pageviews: 1 });
    expect(weeks.body.results.at(-2)).toEqual({ date: '2026-10-19', pageviews: 3 });
    const months = await get('/api/v1/stats/timeseries', { period: '6mo', metrics: 'pageviews' }).expect(200);
    expect(months.body.results.map((row: { date: string }) => row.date)).toEqual([
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
    ]);
    expect(months.body.results.at(-1)).toEqual({ date: '2026-10-01', pageviews: 4 });
  });

  it('refuses more buckets than it serves', async () => {
    const response = await get('/api/v1/stats/timeseries', { period: '12mo', interval: 'minute' }).expect(400);
    expect(response.body.error).toMatch(/interval/);
  });
});

describe('GET /api/v1/stats/breakdown', () => {
  it('groups, sorts by the first metric and pages', async () => {
    const first = await get('/api/v1/stats/breakdown', {
      period: '7d',
      property: 'event:page',
      metrics: 'pageviews,visitors',
      limit: '2',
    }).expect(200);
    // "/" has 2 pageviews (visitors 1 and 2); "/blog" and "/pricing" one each, by name.
    expect(first.body).toEqual({
      results: [
        { page: '/', visitors: 2, pageviews: 2 },
        { page: '/blog', visitors: 1, pageviews: 1 },
      ],
    });
    const second = await get('/api/v1/stats/breakdown', {
      period: '7d',
      property: 'event:page',
      metrics: 'visitors,pageviews',
      limit: '2',
      page: '2',
    }).expect(200);
    expect(second.body).toEqual({ results: [{ page: '/pricing', visitors: 1, pageviews: 1 }] });
  });

  it('names props by their key and missing values null', async () => {
    const props = await get('/api/v1/stats/breakdown', { period: '7d', property: 'event:props:plan', metrics: 'events' }).expect(200);
    expect(props.body).toEqual({ results: [{ plan: null, events: 4 }, { plan: 'pro', events: 1 }] });
    const sources = await get('/api/v1/stats/breakdown', { period: '7d', property: 'visit:source' }).expect(200);
    expect(sources.body).toEqual({ results: [{ source: null, visitors: 2 }, { source: 'Google', visitors: 1 }] });
  });
});

describe('bad parameters', () => {
  it.each([
    [{ metrics: 'visitors,nope' }, 'metrics', /allowed: visitors, visits, pageviews/],
    [{ period: 'week' }, 'period', /one of: day, 7d, 30d, month, 6mo, 12mo, custom, 30m/],
    [{ period: 'custom' }, 'date', /period=custom needs date/],
    [{ period: 'custom', date: '2026-10-26,2026-10-01' }, 'date', /first day must not be after/],
    [{ date: '2026-02-30' }, 'date', /YYYY-MM-DD/],
    [{ filters: 'event:pgae==/' }, 'filters', /unknown property "event:pgae"; allowed: event:page/],
    [{ filters: 'event:page' }, 'filters', /no operator/],
    [{ filters: 'event:page==' }, 'filters', /empty value/],
    [{ filters: 'event:page~/blog\u0000' }, 'filters', /NUL character/],
    [{ compare: 'yesterday' }, 'compare', /one of: previous_period/],
    [{ colour: 'blue' }, '(query)', /unknown parameter "colour"/],
  ])('%j is refused naming %s', async (query, field, message) => {
    const response = await get('/api/v1/stats/aggregate', query as Record<string, string>).expect(400);
    expect(response.body.error).toBe('invalid query');
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
  });

  it.each([
    [{ property: 'visit:colour' }, 'property'],
    [{ property: 'event:page', limit: '0' }, 'limit'],
    [{ property: 'event:page', limit: '1001' }, 'limit'],
    [{ property: 'event:page', page: 'x' }, 'page'],
    [{}, 'property'],
  ])('breakdown %j is refused naming %s', async (query, field) => {
    const response = await get('/api/v1/stats/breakdown', query as Record<string, string>).expect(400);
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('refuses a parameter given twice', async () => {
    const response = await request(t.app).get('/api/v1/stats/aggregate?site_id=berlin.example&period=day&period=7d').expect(400);
    expect(response.body.details).toEqual([{ field: 'period', message: 'period must be given once' }]);
  });

  it('answers 404 for an unknown site', async () => {
    const response = await request(t.app).get('/api/v1/stats/aggregate').query({ site_id: 'nowhere.example' }).expect(404);
    expect(response.body).toEqual({ error: 'unknown site nowhere.example' });
  });
});

describe('caching', () => {
  it('serves a repeated query from the cache whatever the parameter order and metric order', async () => {
    const first = await request(t.app)
      .get('/api/v1/stats/aggregate?site_id=berlin.example&period=7d&metrics=visitors,pageviews&filters=visit:country!=FR;event:page==/|/blog')
      .expect(200);
    expect(first.headers['x-cache']).toBe('miss');
    const second = await request(t.app)
      .get('/api/v1/stats/aggregate?filters=event:page==/blog|/;visit:country!=FR&metrics=pageviews,visitors&period=7d&site_id=BERLIN.example')
      .expect(200);
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toEqual(first.body);
  });

  it('keeps ranges that include now for seconds and closed ranges for long, with an ETag', async () => {
    const live = await get('/api/v1/stats/aggregate', { period: 'day' }).expect(200);
    expect(live.headers['cache-control']).toBe('private, max-age=5');
    const closed = await get('/api/v1/stats/aggregate', { period: 'day', date: '2026-10-24' }).expect(200);
    expect(closed.headers['cache-control']).toBe('private, max-age=3600');
    expect(closed.headers.etag).toBeDefined();
    expect(closed.headers['content-length']).toBe(String(Buffer.byteLength(closed.text)));
    const again = await get('/api/v1/stats/aggregate', { period: 'day', date: '2026-10-24' }).expect(200);
    expect(again.headers['x-cache']).toBe('hit');
    expect(again.headers.etag).toBe(closed.headers.etag);
    const unchanged = await get('/api/v1/stats/aggregate', { period: 'day', date: '2026-10-24' }).set('If-None-Match', closed.headers.etag!).expect(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers['content-length']).toBeUndefined();
  });

  it('shows an event ingested now at once uncached, and in a cached answer within its TTL', async () => {
    const cached = () => get('/api/v1/stats/aggregate', { period: 'day', metrics: 'pageviews' });
    const uncached = () => get('/api/v1/stats/aggregate', { period: 'day', metrics: 'pageviews,visitors' });
    expect((await cached().expect(200)).body.results.pageviews.value).toBe(1);

    await request(t.app)
      .post('/api/event')
      .set('User-Agent', BROWSER_UA)
      .send(pageview({ site: 'berlin.example', url: 'https://berlin.example/now' }))
      .expect(202);

    const fresh = await uncached().expect(200);
    expect(fresh.headers['x-cache']).toBe('miss');
    expect(fresh.body.results.pageviews.value).toBe(2);
    const stale = await cached().expect(200);
    expect(stale.headers['x-cache']).toBe('hit');
    expect(stale.body.results.pageviews.value).toBe(1);

    t.clock.advance(5_001);
    const renewed = await cached().expect(200);
    expect(renewed.headers['x-cache']).toBe('miss');
    expect(renewed.body.results.pageviews.value).toBe(2);
  });

  it('computes once for concurrent misses of one key', async () => {
    let calls = 0;
    const aggregate = t.store.aggregate.bind(t.store);
    t.store.aggregate = async (query) => {
      calls++;
      return aggregate(query);
    };
    const responses = await Promise.all(Array.from({ length: 5 }, () => get('/api/v1/stats/aggregate', { period: '7d' })));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(calls).toBe(1);
  });
});

describe('GET /api/v1/stats/realtime/visitors', () => {
  it('counts visitors seen in the last five minutes', async () => {
    const send = (ua: string) =>
      request(t.app)
        .post('/api/event')
        .set('User-Agent', ua)
        .send(pageview({ site: 'berlin.example', url: 'https://berlin.example/' }))
        .expect(202);
    await send(BROWSER_UA);
    await send(BROWSER_UA.replace('130.0', '131.0'));
    await send(BROWSER_UA);
    expect((await get('/api/v1/stats/realtime/visitors', {}).expect(200)).body).toBe(2);
    t.clock.advance(5 * 60 * 1000 + 1);
    expect((await get('/api/v1/stats/realtime/visitors', {}).expect(200)).body).toBe(0);
  });
});
