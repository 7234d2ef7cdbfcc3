import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { LocalAdmission } from '../src/admission/local-admission.js';
import { MemoryCache } from '../src/cache/memory-cache.js';
import { RateLimits } from '../src/http/rate-limit.js';
import { createWriter } from '../src/ingest/group-commit.js';
import { MemoryVisitState } from '../src/visits/memory-visit-state.js';
import type { StoredEvent } from '../src/store/types.js';
import { BROWSER_UA, createTestApp, pageview, sendBeacon, type TestApp } from './support/test-app.js';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let t: TestApp;
let stored: StoredEvent[];
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
  stored = [];
  const capturing = {
    insertEvents: async (events: readonly StoredEvent[]) => {
      stored.push(...events);
      await t.store.insertEvents(events);
    },
  };
  const visits = new MemoryVisitState(t.clock);
  const writer = createWriter(capturing, t.config, new LocalAdmission(RateLimits.memory(t.config.rateLimits), visits));
  app = createApp({ config: t.config, store: t.store, cache: new MemoryCache(t.clock), clock: t.clock, writer, visits });
});

afterEach(async () => {
  await t.close();
});

const send = (body: Record<string, unknown>, ip = '203.0.113.7', ua = BROWSER_UA) => sendBeacon(app, body, ip, ua).expect(202);

describe('what ingest stores', () => {
  it('derives page, campaign, source and client from the request', async () => {
    await send(
      pageview({
        url: 'https://Example.com/%C3%BCber/team?utm_source=newsletter&utm_medium=email&utm_campaign=launch&ref=x',
        referrer: 'https://www.google.com/search?q=secret',
        screen_width: 390,
        props: { plan: 'pro', seats: 3, trial: true },
      }),
      '203.0.113.7',
      IPHONE_UA,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      site: 'example.com',
      name: 'pageview',
      ts: t.clock.now(),
      path: '/über/team',
      hostname: 'example.com',
      referrer: 'google.com/search',
      referrerSource: 'newsletter',
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'launch',
      utmTerm: null,
      browser: 'Mobile Safari',
      os: 'iOS',
      device: 'Mobile',
      screenWidth: 390,
      props: { plan: 'pro', seats: '3', trial: 'true' },
    });
  });

  it('names well-known sources and ignores referrals from the site itself', async () => {
    await send(pageview({ referrer: 'https://news.ycombinator.com/item?id=1' }));
    await send(pageview({ referrer: 'https://www.example.com/blog' }));
    await send(pageview({ referrer: '' }));
    expect(stored.map((e) => [e.referrer, e.referrerSource])).toEqual([
      ['news.ycombinator.com/item', 'Hacker News'],
      [null, null],
      [null, null],
    ]);
  });

  it('keeps hash routes as pages and drops plain anchors', async () => {
    await send(pageview({ url: 'https://example.com/app#/settings' }));
    await send(pageview({ url: 'https://example.com/docs#install' }));
    expect(stored.map((e) => e.path)).toEqual(['/app#/settings', '/docs']);
  });

  it('counts one visitor per (IP, User-Agent) per day, and a different one the next day', async () => {
    await send(pageview(), '203.0.113.7');
    await send(pageview({ url: 'https://example.com/about' }), '203.0.113.7');
    await send(pageview(), '198.51.100.1');
    t.clock.advance(24 * 60 * 60 * 1000);
    await send(pageview(), '203.0.113.7');
    const [first, second, other, nextDay] = stored.map((e) => e.visitorId);
    expect(first).toBe(second);
    expect(other).not.toBe(first);
    expect(nextDay).not.toBe(first);
  });

  it('counts a caller-supplied user id as the same visitor whatever the IP', async () => {
    await send(pageview({ user_id: 'user123' }), '203.0.113.7');
    await send(pageview({ user_id: 'user123' }), '198.51.100.1', IPHONE_UA);
    expect(stored[0]!.visitorId).toBe(stored[1]!.visitorId);
  });

  it('keeps a visit together for 30 minutes of inactivity and starts a new one after', async () => {
    await send(pageview());
    t.clock.advance(29 * 60 * 1000);
    await send(pageview({ url: 'https://example.com/a' }));
    t.clock.advance(31 * 60 * 1000);
    await send(pageview({ url: 'https://example.com/b' }));
    const [a, b, c] = stored.map((e) => e.sessionId);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('never writes the IP or the User-Agent to disk', async () => {
    await send(pageview({ url: 'https://example.com/private' }), '203.0.113.77', IPHONE_UA);
    await t.store.close();
    const bytes = readdirSync(t.dataDir)
      .map((file) => readFileSync(path.join(t.dataDir, file)).toString('latin1'))
      .join('');
    expect(bytes).toContain('/private');
    expect(bytes).not.toContain('203.0.113.77');
    expect(bytes).not.toContain('iPhone OS 17_5');
  });
});
