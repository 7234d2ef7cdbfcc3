/**
 * What every EventStore must do outside the stats queries (sites, day salts, writes, counts,
 * retention and erasure),
 * run on each adapter so the MongoDB store is held to the embedded store's behaviour.
 */
import { PAGEVIEW } from '@sightline/shared';
import type { EventStore, StoredEvent } from '../../src/store/types.js';

export function storedEvent(overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    site: 'example.com',
    ts: Date.parse('2026-11-28T12:00:00Z'),
    name: PAGEVIEW,
    path: '/',
    hostname: 'example.com',
    referrer: null,
    referrerSource: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    browser: 'Chrome',
    os: 'Linux',
    device: 'desktop',
    country: 'DE',
    screenWidth: 1440,
    visitorId: 2 ** 47 + 1,
    sessionId: 7,
    engagementMs: null,
    props: {},
    ...overrides,
  };
}

export function runStoreBasics(name: string, create: () => Promise<EventStore>): void {
  describe(`${name}: sites, salts and writes`, () => {
    let store: EventStore;

    beforeEach(async () => {
      store = await create();
    });

    afterEach(async () => {
      await store.close();
    });

    it('creates a site once and refuses the same domain again', async () => {
      const site = { domain: 'example.com', timezone: 'Europe/Berlin', createdAt: Date.parse('2026-11-01T00:00:00Z') };
      expect(await store.createSite(site)).toEqual(site);
      expect(await store.createSite({ ...site, timezone: 'UTC' })).toBeNull();
      expect(await store.getSite('example.com')).toEqual({ ...site, public: false });
      expect(await store.getSite('other.example')).toBeNull();
    });

    it('lists sites by domain', async () => {
      for (const domain of ['b.example', 'a.example', 'c.example']) {
        await store.createSite({ domain, timezone: 'UTC', createdAt: 0 });
      }
      expect((await store.listSites()).map((site) => site.domain)).toEqual(['a.example', 'b.example', 'c.example']);
    });

    it('keeps the first salt of a day and destroys earlier days’ salts', async () => {
      const first = Buffer.alloc(32, 1);
      expect(await store.daySalt('2026-11-27', first)).toEqual(first);
      expect(await store.daySalt('2026-11-27', Buffer.alloc(32, 2))).toEqual(first);
      const next = Buffer.alloc(32, 3);
      expect(await store.daySalt('2026-11-28', next)).toEqual(next);
      // The old day's salt is gone: asking for it again stores the new candidate.
      const again = Buffer.alloc(32, 4);
      expect(await store.daySalt('2026-11-27', again)).toEqual(again);
    });

    it('gives concurrent callers of a new day the same salt', async () => {
      const salts = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.daySalt('2026-11-29', Buffer.alloc(32, 10 + i))),
      );
      expect(new Set(salts.map((salt) => salt.toString('hex'))).size).toBe(1);
    });

    it('stores a batch and counts per site', async () => {
      await store.insertEvents([
        storedEvent(),
        storedEvent({ path: '/$where', props: { plan: 'pro', 'a.b': '$x' } }),
        storedEvent({ site: 'other.example' }),
      ]);
      await store.insertEvents([]);
      expect(await store.countEvents('example.com')).toBe(2);
      expect(await store.countEvents('other.example')).toBe(1);
      expect(await store.countEvents('none.example')).toBe(0);
    });

    it('answers summary and allTime from what it stored', async () => {
      const at = (iso: string) => Date.parse(iso);
      await store.insertEvents([
        storedEvent({ ts: at('2026-11-28T10:00:00Z'), path: '/', visitorId: 1 }),
        storedEvent({ ts: at('2026-11-28T10:01:00Z'), path: '/pricing', visitorId: 1 }),
        storedEvent({ ts: at('2026-11-28T11:00:00Z'), path: '/pricing', visitorId: 2 }),
        storedEvent({ ts: at('2026-11-28T11:00:30Z'), name: 'engagement', path: '/pricing', visitorId: 3 }),
        storedEvent({ ts: at('2026-11-27T11:00:00Z'), path: '/old', visitorId: 4 }),
      ]);
      expect(await store.summary({ site: 'example.com', from: at('2026-11-28T00:00:00Z'), to: at('2026-11-29T00:00:00Z'), limit: 10 })).toEqual({
        pageviews: 3,
        visitors: 3,
        topPages: [
          { page: '/pricing', pageviews: 2, visitors: 2 },
          { page: '/', pageviews: 1, visitors: 1 },
        ],
      });
      expect(await store.allTime('example.com')).toEqual({
        pageviews: 4,
        visitors: 4,
        pages: [
          { page: '/pricing', pageviews: 2, visitors: 2 },
          { page: '/', pageviews: 1, visitors: 1 },
          { page: '/old', pageviews: 1, visitors: 1 },
        ],
      });
      expect((await store.allTime('example.com', { offset: 1, limit: 1 })).pages).toEqual([{ page: '/', pageviews: 1, visitors: 1 }]);
    });

    it('keeps retention settings per site and purges events before a time', async () => {
      const at = (iso: string) => Date.parse(iso);
      for (const domain of ['b.example', 'a.example']) await store.createSite({ domain, timezone: 'UTC', createdAt: 0 });
      expect(await store.setRetention('b.example', 30)).toBe(true);
      expect(await store.setRetention('a.example', 7)).toBe(true);
      expect(await store.setRetention('missing.example', 7)).toBe(false);
      expect(await store.retentionSettings()).toEqual([
        { site: 'a.example', days: 7 },
        { site: 'b.example', days: 30 },
      ]);
      expect(await store.setRetention('a.example', null)).toBe(true);
      expect(await store.retentionSettings()).toEqual([{ site: 'b.example', days: 30 }]);

      await store.insertEvents([
        storedEvent({ site: 'a.example', ts: at('2026-11-01T00:00:00Z') }),
        storedEvent({ site: 'a.example', ts: at('2026-11-20T00:00:00Z') }),
        storedEvent({ site: 'b.example', ts: at('2026-11-01T00:00:00Z') }),
      ]);
      expect(await store.purgeEvents('a.example', at('2026-11-20T00:00:00Z'))).toBe(1);
      expect(await store.countEvents('a.example')).toBe(1);
      expect(await store.countEvents('b.example')).toBe(1);
    });

    it('deletes a site with its events and keys, and nothing of other sites', async () => {
      for (const domain of ['gone.example', 'kept.example']) {
        await store.createSite({ domain, timezone: 'UTC', createdAt: 0 });
        await store.createApiKey({ id: `key-${domain}`, site: domain, scopes: ['stats:read'], hash: domain.padEnd(64, '0'), createdAt: 1 });
      }
      await store.insertEvents([storedEvent({ site: 'gone.example' }), storedEvent({ site: 'kept.example' })]);
      expect(await store.deleteSite('gone.example')).toBe(true);
      expect(await store.deleteSite('gone.example')).toBe(false);
      expect(await store.getSite('gone.example')).toBeNull();
      expect(await store.countEvents('gone.example')).toBe(0);
      expect(await store.listApiKeys('gone.example')).toEqual([]);
      expect(await store.countEvents('kept.example')).toBe(1);
      expect(await store.listApiKeys('kept.example')).toHaveLength(1);
    });

    it('records a key’s last use and revokes a key of its own site only', async () => {
      for (const domain of ['a.example', 'b.example']) await store.createSite({ domain, timezone: 'UTC', createdAt: 0 });
      const key = { id: 'key-a', site: 'a.example', scopes: ['stats:read' as const], hash: 'a'.repeat(64), createdAt: 1 };
      await store.createApiKey(key);
      expect(await store.findApiKey(key.hash)).toEqual(key);
      await store.markApiKeyUsed('key-a', 60_000);
      expect(await store.findApiKey(key.hash)).toEqual({ ...key, lastUsedAt: 60_000 });
      expect(await store.listApiKeys('a.example')).toEqual([{ ...key, lastUsedAt: 60_000 }]);
      expect(await store.deleteApiKey('b.example', 'key-a')).toBe(false);
      expect(await store.deleteApiKey('a.example', 'key-a')).toBe(true);
      expect(await store.deleteApiKey('a.example', 'key-a')).toBe(false);
      expect(await store.findApiKey(key.hash)).toBeNull();
      expect(await store.listApiKeys('a.example')).toEqual([]);
    });

    it('stores an event sent again with the same id once, for at least a day, per site', async () => {
      const day = 24 * 60 * 60 * 1000;
      const at = Date.parse('2026-11-28T12:00:00Z');
      for (const domain of ['example.com', 'other.example']) await store.createSite({ domain, timezone: 'UTC', createdAt: 0 });
      const once = storedEvent({ ts: at, eventId: 'evt-0001' });
      await store.insertEvents([once, storedEvent({ ts: at }), { ...once, ts: at + 1 }]);
      await store.insertEvents([{ ...once, ts: at + day - 60_000 }, storedEvent({ ts: at }), storedEvent({ ts: at, eventId: 'evt-0002' })]);
      await store.insertEvents([{ ...once, site: 'other.example' }]);
      expect(await store.countEvents('example.com')).toBe(4);
      expect(await store.countEvents('other.example')).toBe(1);
      expect((await store.aggregate({ site: 'example.com', range: { from: 0, to: at + 2 * day }, filters: [] })).pageviews).toBe(4);
      // Erasing a site forgets its ids too: a new site of that name starts afresh.
      expect(await store.deleteSite('other.example')).toBe(true);
      await store.createSite({ domain: 'other.example', timezone: 'UTC', createdAt: 0 });
      await store.insertEvents([{ ...once, site: 'other.example' }]);
      expect(await store.countEvents('other.example')).toBe(1);
    });

    it('answers ping while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
