/**
 * What docs/privacy.md promises: no cookies, no raw IP or User-Agent anywhere on disk, the day's
 * salt destroyed when the day ends, per-site retention, and a site deleted with all its data.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import request from 'supertest';
import { registerSite } from '../src/sites/register-site.js';
import { purgeExpired } from '../src/sites/retention.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { BROWSER_UA, createTestApp, pageview, sendBeacon, type TestApp } from './support/test-app.js';

const DAY_MS = 86_400_000;
let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: 'true' }, sites: ['example.com', 'other.org'] });
});

afterEach(() => t.close());

const send = (body: Record<string, unknown>, ip = '203.0.113.77', userAgent = BROWSER_UA) => sendBeacon(t.app, body, ip, userAgent);

const database = () => new Database(path.join(t.dataDir, 'sightline.db'), { readonly: true });

describe('nothing that identifies a visitor is kept', () => {
  it('sets no cookie and writes neither the IP nor the User-Agent anywhere in the data directory', async () => {
    const ip = '203.0.113.199';
    const marker = 'UniqueAgentMarker4711';
    const response = await send(pageview(), ip, `${BROWSER_UA} ${marker}`);
    expect(response.status).toBe(202);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect((await request(t.app).get('/api/stats?site=example.com')).headers['set-cookie']).toBeUndefined();
    expect(await t.store.countEvents('example.com')).toBe(1);

    // Every file SQLite wrote (database, WAL, shared memory), as raw bytes.
    for (const file of readdirSync(t.dataDir)) {
      const bytes = readFileSync(path.join(t.dataDir, file));
      expect({ file, ip: bytes.includes(ip) }).toEqual({ file, ip: false });
      expect({ file, marker: bytes.includes(marker) }).toEqual({ file, marker: false });
      expect({ file, agent: bytes.includes('Mozilla/5.0') }).toEqual({ file, agent: false });
    }
  });
});

describe('the daily salt', () => {
  it("is destroyed when the day turns, so yesterday's visitor ids cannot be recomputed or linked", async () => {
    t.clock.set('2026-11-28T23:59:00Z');
    await send(pageview({ url: 'https://example.com/day-1' }));
    const db = database();
    try {
      const days = () => (db.prepare('SELECT day FROM salts ORDER BY day').pluck().all() as string[]);
      expect(days()).toEqual(['2026-11-28']);

      const yesterday = db.prepare('SELECT salt FROM salts').pluck().get() as Buffer;
      expect(yesterday).toHaveLength(32);

      t.clock.set('2026-11-29T00:01:00Z');
      await send(pageview({ url: 'https://example.com/day-2' }));
      expect(days()).toEqual(['2026-11-29']);
      // Not even a stale copy in a free page or the write-ahead log.
      for (const file of readdirSync(t.dataDir)) {
        expect({ file, found: readFileSync(path.join(t.dataDir, file)).includes(yesterday) }).toEqual({ file, found: false });
      }

      // The visit open across the turn continues under the old day's visitor id; after a pause
      // over 30 minutes the same person (same IP and browser) is a new, unlinkable visitor.
      t.clock.set('2026-11-29T00:40:00Z');
      await send(pageview({ url: 'https://example.com/day-2-later' }));
      const rows = db.prepare('SELECT path, visitor_id, session_id FROM events ORDER BY ts').all() as Array<{ path: string; visitor_id: number; session_id: number }>;
      expect(rows.map((row) => row.path)).toEqual(['/day-1', '/day-2', '/day-2-later']);
      expect(rows[1]!.visitor_id).toBe(rows[0]!.visitor_id);
      expect(rows[1]!.session_id).toBe(rows[0]!.session_id);
      expect(rows[2]!.visitor_id).not.toBe(rows[0]!.visitor_id);
      expect(rows[2]!.session_id).not.toBe(rows[0]!.session_id);
    } finally {
      db.close();
    }
  });
});

describe('retention', () => {
  async function eventsAt(site: string, daysAgo: number[]): Promise<void> {
    const now = t.clock.now();
    for (const ago of daysAgo) {
      t.clock.set(new Date(now - ago * DAY_MS).toISOString());
      expect((await send(pageview({ site, url: `https://${site}/ago-${ago}` }))).status).toBe(202);
    }
    t.clock.set(new Date(now).toISOString());
  }

  it("deletes only the events older than a site's retention, and leaves sites without one alone", async () => {
    await eventsAt('example.com', [400, 31, 29, 0]);
    await eventsAt('other.org', [400, 0]);
    expect(await t.store.setRetention('example.com', 30)).toBe(true);
    expect(await t.store.setRetention('nope.net', 30)).toBe(false);
    expect(await t.store.retentionSettings()).toEqual([{ site: 'example.com', days: 30 }]);

    expect(await purgeExpired(t.store, t.clock.now())).toEqual([{ site: 'example.com', deleted: 2 }]);
    const pages = (await t.store.allTime('example.com')).pages.map((page) => page.page).sort();
    expect(pages).toEqual(['/ago-0', '/ago-29']);
    expect(await t.store.countEvents('other.org')).toBe(2);

    expect(await t.store.setRetention('example.com', null)).toBe(true);
    expect(await t.store.retentionSettings()).toEqual([]);
  });

  it('deletes a site with every event and key it has, and nothing of any other site', async () => {
    await eventsAt('example.com', [1, 0]);
    await eventsAt('other.org', [0]);
    await t.store.createApiKey({ id: 'k1', site: 'example.com', scopes: ['stats:read'], hash: 'a'.repeat(64), createdAt: t.clock.now() });
    expect(await t.store.deleteSite('example.com')).toBe(true);
    expect(await t.store.deleteSite('example.com')).toBe(false);
    expect(await t.store.getSite('example.com')).toBeNull();
    expect(await t.store.countEvents('example.com')).toBe(0);
    expect(await t.store.findApiKey('a'.repeat(64))).toBeNull();
    expect(await t.store.countEvents('other.org')).toBe(1);
    // Once the site cache has expired, the deleted site's events are refused.
    t.clock.advance(61_000);
    expect((await send(pageview())).status).toBe(404);
  });
});

describe('the data commands of the CLI', () => {
  const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/main.js');
  let dataDir: string;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm build)`);
  });

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-cli-data-'));
    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'NORMAL' });
    const now = Date.now();
    await registerSite(store, { domain: 'shop.example.org', timezone: 'UTC' }, now);
    const event = (ts: number, page: string) => ({
      site: 'shop.example.org', ts, name: 'pageview', path: page, hostname: 'shop.example.org', referrer: null, referrerSource: null,
      utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, browser: null, os: null, device: null,
      country: null, screenWidth: null, visitorId: 1, sessionId: 1, engagementMs: null, props: {},
    });
    await store.insertEvents([event(now - 100 * DAY_MS, '/old'), event(now - DAY_MS, '/new')]);
    await store.close();
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) => {
    const { REDIS_URL: _ignored, MONGODB_URI: _none, ...rest } = process.env;
    return spawnSync(process.execPath, [CLI, ...args], { env: { ...rest, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 20_000 });
  };
  const count = async () => {
    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'NORMAL' });
    try {
      return await store.countEvents('shop.example.org');
    } finally {
      await store.close();
    }
  };

  it('sets a retention, purges past it at once, and refuses bad numbers', async () => {
    const zero = cli('site', 'retention', 'shop.example.org', '0');
    expect(zero.stderr).toMatch(/whole number/);
    expect(zero.status).toBe(2);
    expect(cli('site', 'retention', 'shop.example.org', 'ten').status).toBe(2);
    expect(cli('site', 'retention', 'nope.org', '30').stderr).toMatch(/not registered/);
    const set = cli('site', 'retention', 'shop.example.org', '30');
    expect(set.status).toBe(0);
    expect(set.stdout).toMatch(/last 30 days/);
    const purged = cli('site', 'purge');
    expect(purged.status).toBe(0);
    expect(purged.stdout).toMatch(/^shop\.example\.org\t1 event deleted$/m);
    expect(await count()).toBe(1);
  }, 30_000);

  it('deletes a site and all its data only with --yes', async () => {
    const unconfirmed = cli('site', 'delete', 'shop.example.org');
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    expect(await count()).toBe(2);
    const deleted = cli('site', 'delete', 'shop.example.org', '--yes');
    expect(deleted.status).toBe(0);
    expect(deleted.stdout).toMatch(/Deleted shop\.example\.org, its 2 events/);
    expect(await count()).toBe(0);
    expect(cli('site', 'list').stdout).not.toMatch(/shop\.example\.org/);
  }, 30_000);
});
