/**
 * A flood from one IPv6 /64, whose owner can use 2^64 addresses: it shares one address's budget,
 * and no amount of it ends another visitor's visit.
 */
import request from 'supertest';
import { HttpError } from '../src/http/errors.js';
import { addressKey } from '../src/http/address-key.js';
import { RateLimits } from '../src/http/rate-limit.js';
import { visitTouch } from '../src/ingest/sessions.js';
import { MemoryVisitState } from '../src/visits/memory-visit-state.js';
import { ManualClock } from './support/manual-clock.js';
import { createTestApp, pageview, sendBeacon, type TestApp } from './support/test-app.js';

const FLOOD = 150_000;
/** The i-th address of 2001:db8:f:1::/64, spread over its low 64 bits. */
const floodAddress = (i: number) => `2001:db8:f:1:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}:${((i * 7) & 0xffff).toString(16)}:1`;

async function admitted(limits: RateLimits, address: string): Promise<boolean> {
  try {
    await limits.ingestIp.take(addressKey(address));
    return true;
  } catch (error) {
    if (error instanceof HttpError && error.status === 429) return false;
    throw error;
  }
}

describe('a flood from one /64, in process', () => {
  it('gets one address budget however many of its addresses it uses', async () => {
    const limits = RateLimits.memory({ ingestPerIp: 1200, ingestPerSite: 0, statsPerClient: 0, windowSeconds: 60 });
    let through = 0;
    for (let i = 0; i < FLOOD; i++) if (await admitted(limits, floodAddress(i))) through++;
    expect(through).toBe(1200);
    expect(await admitted(limits, '2001:db8:f:2::1')).toBe(true);
    expect(await admitted(limits, '198.51.100.7')).toBe(true);
    expect(await admitted(limits, '::ffff:198.51.100.8')).toBe(true);
  });

  it("never ends another visitor's visit, even with every event let through", async () => {
    const clock = new ManualClock('2026-12-01T12:00:00Z');
    const visits = new MemoryVisitState(clock);
    const real = await visits.touchVisit(visitTouch('example.com', { id: 42 }));
    for (let i = 0; i < FLOOD; i++) {
      await visits.touchVisit(visitTouch('example.com', { id: 1_000_000 + i }));
      if (i % 10_000 === 0) clock.advance(1_000);
    }
    expect(await visits.touchVisit(visitTouch('example.com', { id: 42 }))).toEqual(real);
  });
});

describe('a flood from one /64, over HTTP', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_INGEST_PER_IP: '5', RATE_LIMIT_STATS_PER_CLIENT: '2' } });
  });

  afterEach(async () => {
    await t.close();
  });

  it('answers 429 once the /64 has used one address budget, whichever of its addresses sends', async () => {
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await sendBeacon(t.app, pageview(), floodAddress(i))).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    expect((await sendBeacon(t.app, pageview(), '2001:db8:f:2::1')).status).toBe(202);
    expect(await t.store.countEvents('example.com')).toBe(6);
  });

  it('counts an IPv4 address and its IPv4-mapped form as one', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await sendBeacon(t.app, pageview(), i % 2 === 0 ? '198.51.100.7' : '::ffff:198.51.100.7')).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    expect((await sendBeacon(t.app, pageview(), '198.51.100.8')).status).toBe(202);
  });

  it('limits stats reads per /64 too', async () => {
    const read = (ip: string) => request(t.app).get('/api/stats?site=example.com').set('X-Forwarded-For', ip);
    expect((await read('2001:db8:f:1::a')).status).toBe(200);
    expect((await read('2001:db8:f:1::b')).status).toBe(200);
    expect((await read('2001:db8:f:1::c')).status).toBe(429);
    expect((await read('2001:db8:f:2::c')).status).toBe(200);
  });
});
