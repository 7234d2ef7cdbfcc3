/** A real app on a real SQLite file in a fresh temp dir, with a clock the test controls. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { LocalAdmission } from '../../src/admission/local-admission.js';
import type { Admission } from '../../src/admission/types.js';
import { createApp, createWriter } from '../../src/app.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import type { ResponseCache } from '../../src/cache/types.js';
import { RateLimits, type Limit } from '../../src/http/rate-limit.js';
import { loadConfig, type Config } from '../../src/config.js';
import { registerSite } from '../../src/sites/register-site.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { EventStore } from '../../src/store/types.js';
import { MemoryVisitState } from '../../src/visits/memory-visit-state.js';
import type { VisitState } from '../../src/visits/types.js';
import { ManualClock } from './manual-clock.js';

export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: Express;
  store: EventStore;
  cache: ResponseCache;
  visits: VisitState;
  clock: ManualClock;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  cache?: (clock: ManualClock) => ResponseCache;
  sites?: string[];
  /** Sites are registered public (stats readable without a key) unless this is false. */
  publicSites?: boolean;
  now?: string;
  /** Stats reads' limit some other way than in process memory (in Redis, as main.ts does). */
  statsLimit?: (config: Config, store: EventStore, clock: ManualClock) => Limit;
  /**
   * Ingest admitted some other way than in process memory (in Redis, as main.ts does), and the
   * visit state that answers the real-time count from the sightings that admission makes.
   */
  shared?: {
    admission: (config: Config, store: EventStore, clock: ManualClock) => Admission;
    visits: (clock: ManualClock) => VisitState;
  };
  /** Stats reads on reader threads, as the server runs them (STATS_READERS, STATS_QUERY_TIMEOUT_MS), instead of in-process. */
  statsReaders?: boolean;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN, DEMO: 'false', DEFAULT_SITE: 'example.com', ...options.env });
  const clock = new ManualClock(options.now ?? '2026-11-28T12:00:00Z');
  const readers = options.statsReaders === true && config.store.kind === 'sqlite' ? config.store.statsReaders : undefined;
  const store = openSqliteStore({
    file: path.join(dataDir, 'sightline.db'),
    synchronous: 'NORMAL',
    ...(readers === undefined ? {} : { statsReaders: readers }),
  });
  const cache = options.cache?.(clock) ?? new MemoryCache(clock);
  for (const domain of options.sites ?? ['example.com']) {
    await registerSite(store, { domain, timezone: 'UTC', public: options.publicSites ?? true }, clock.now());
  }
  const { admission, visits } = ingestParts(options, config, store, clock);
  const writer = createWriter(store, config, admission);
  const app = createApp({ config, store, cache, visits, clock, writer, statsLimit: options.statsLimit?.(config, store, clock) });
  return {
    app,
    store,
    cache,
    visits,
    clock,
    config,
    dataDir,
    async close() {
      await writer.drain();
      await store.close();
      await cache.close();
      await visits.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function ingestParts(options: TestAppOptions, config: Config, store: EventStore, clock: ManualClock): { admission: Admission; visits: VisitState } {
  if (options.shared !== undefined) return { admission: options.shared.admission(config, store, clock), visits: options.shared.visits(clock) };
  const visits = new MemoryVisitState(clock);
  return { admission: new LocalAdmission(RateLimits.memory(config.rateLimits), visits), visits };
}

/** A pageview as the tracker would send it, with overrides. */
export function pageview(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { site: 'example.com', url: 'https://example.com/', referrer: null, screen_width: 1440, ...overrides };
}

/** POST /api/event as a browser's beacon from `ip` (the app must trust X-Forwarded-For). */
export function sendBeacon(app: Express, body: Record<string, unknown>, ip: string, userAgent = BROWSER_UA) {
  return request(app)
    .post('/api/event')
    .set('Content-Type', 'text/plain')
    .set('User-Agent', userAgent)
    .set('X-Forwarded-For', ip)
    .send(JSON.stringify(body));
}
