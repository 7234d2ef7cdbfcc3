/**
 * Visits as Plausible defines them, through the public API with the clock controlled: where a
 * visit ends, that it survives the daily salt's turn, and which of its events comes first.
 */
import request from 'supertest';
import { registerSite } from '../src/sites/register-site.js';
import { BROWSER_UA, createTestApp, pageview, sendBeacon, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
  await registerSite(t.store, { domain: 'la.example', timezone: 'America/Los_Angeles', public: true }, t.clock.now());
});

afterEach(() => t.close());

async function send(body: Record<string, unknown>, ip = '203.0.113.5') {
  expect((await sendBeacon(t.app, body, ip, BROWSER_UA)).status).toBe(202);
}

async function sendAt(iso: string, body: Record<string, unknown>, ip?: string) {
  t.clock.set(iso);
  await send(body, ip);
}

async function aggregate(query: Record<string, string>) {
  const response = await request(t.app)
    .get('/api/v1/stats/aggregate')
    .query({ site_id: 'example.com', period: 'day', metrics: 'visitors,visits,pageviews,bounce_rate', ...query })
    .expect(200);
  const values: Record<string, number> = {};
  for (const [metric, { value }] of Object.entries(response.body.results as Record<string, { value: number }>)) values[metric] = value;
  return values;
}

async function breakdown(property: string, query: Record<string, string> = {}) {
  const response = await request(t.app)
    .get('/api/v1/stats/breakdown')
    .query({ site_id: 'example.com', period: 'day', property, metrics: 'visitors', ...query })
    .expect(200);
  return response.body.results as Array<Record<string, unknown>>;
}

describe('a visit ends after a gap over 30 minutes', () => {
  it('keeps a visit across a gap of exactly 30:00 and ends it after 30:00.001', async () => {
    await sendAt('2026-11-28T10:00:00.000Z', pageview({ url: 'https://example.com/a' }));
    await sendAt('2026-11-28T10:30:00.000Z', pageview({ url: 'https://example.com/b' }));
    expect(await aggregate({})).toEqual({ visitors: 1, visits: 1, pageviews: 2, bounce_rate: 0 });
    await sendAt('2026-11-28T11:00:00.001Z', pageview({ url: 'https://example.com/c' }));
    expect(await aggregate({})).toEqual({ visitors: 1, visits: 2, pageviews: 3, bounce_rate: 50 });
  });
});

describe('a visit open when the daily salt turns', () => {
  it('continues for a Los Angeles site: one visitor, one visit, no bounce on its local day', async () => {
    // 15:55 and 16:05 in Los Angeles, either side of 00:00 UTC.
    await sendAt('2026-11-28T23:55:00Z', pageview({ site: 'la.example', url: 'https://la.example/a' }));
    await sendAt('2026-11-29T00:05:00Z', pageview({ site: 'la.example', url: 'https://la.example/b' }));
    expect(await aggregate({ site_id: 'la.example', date: '2026-11-28' })).toEqual({ visitors: 1, visits: 1, pageviews: 2, bounce_rate: 0 });
    const exits = await breakdown('visit:exit_page', { site_id: 'la.example', date: '2026-11-28' });
    expect(exits).toEqual([{ exit_page: '/b', visitors: 1 }]);
  });

  it('does not join two visitors who share nothing but the turn', async () => {
    await sendAt('2026-11-28T23:55:00Z', pageview({ site: 'la.example', url: 'https://la.example/a' }), '203.0.113.5');
    await sendAt('2026-11-29T00:05:00Z', pageview({ site: 'la.example', url: 'https://la.example/b' }), '203.0.113.6');
    expect(await aggregate({ site_id: 'la.example', date: '2026-11-28' })).toEqual({ visitors: 2, visits: 2, pageviews: 2, bounce_rate: 100 });
  });
});

describe('events of one visit with the same timestamp', () => {
  it('takes the source from the pageview that arrived first, not a custom event in the same millisecond', async () => {
    t.clock.set('2026-11-28T10:00:00Z');
    await send(pageview({ url: 'https://example.com/landing', referrer: 'https://www.google.com/' }));
    await send(pageview({ name: 'Signup', url: 'https://example.com/landing' }));
    expect(await breakdown('visit:source')).toEqual([{ source: 'Google', visitors: 1 }]);
    expect(await aggregate({ filters: 'visit:source==Google' })).toEqual({ visitors: 1, visits: 1, pageviews: 1, bounce_rate: 0 });
  });

  it('makes the first pageview to arrive the entry page and the last the exit page', async () => {
    t.clock.set('2026-11-28T10:00:00Z');
    await send(pageview({ url: 'https://example.com/z-first' }));
    await send(pageview({ url: 'https://example.com/a-second' }));
    expect(await breakdown('visit:entry_page')).toEqual([{ entry_page: '/z-first', visitors: 1 }]);
    expect(await breakdown('visit:exit_page')).toEqual([{ exit_page: '/a-second', visitors: 1 }]);
  });
});
