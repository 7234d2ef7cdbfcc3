/** Country at ingest: looked up from the client IP, which is never stored. */
import request from 'supertest';
import { openCountryLookup } from '../src/ingest/geo.js';
import { BROWSER_UA, createTestApp, pageview } from './support/test-app.js';

const lookup = openCountryLookup();

describe('country look-up', () => {
  it.each([
    ['8.8.8.8', 'US'],
    ['::ffff:8.8.8.8', 'US'],
    ['81.2.69.160', 'GB'],
    ['2a00:1450:4001::1', 'IE'],
  ])('%s is in %s', (ip, country) => {
    expect(lookup(ip)).toBe(country);
  });

  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '100.64.0.1', 'fe80::1', 'fd00::1', '', 'not-an-ip'])(
    '%s has no country',
    (ip) => {
      expect(lookup(ip)).toBeNull();
    },
  );
});

describe('ingest records the country, not the IP', () => {
  it('stores the country of the forwarded client address', async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    try {
      await request(t.app)
        .post('/api/event')
        .set('User-Agent', BROWSER_UA)
        .set('X-Forwarded-For', '81.2.69.160')
        .send(pageview())
        .expect(202);
      await request(t.app).post('/api/event').set('User-Agent', BROWSER_UA).send(pageview({ url: 'https://example.com/local' })).expect(202);
      const rows = await t.store.breakdown({
        site: 'example.com',
        range: { from: 0, to: Date.parse('2100-01-01') },
        filters: [],
        property: { scope: 'visit', field: 'country' },
      });
      expect(Object.fromEntries(rows.map((row) => [String(row.value), row.measures.pageviews]))).toEqual({ GB: 1, null: 1 });
    } finally {
      await t.close();
    }
  });
});
