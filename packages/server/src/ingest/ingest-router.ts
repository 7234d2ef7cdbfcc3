/**
 * The ingest routes (POST /api/event, its CORS preflight, POST /track) as one Express router,
 * which Sightline's own app mounts first and any other Express app can mount too
 * (docs/embedding.md): `app.use(createIngestRouter({ store }).router)`.
 */
import { Router } from 'express';
import { LocalAdmission } from '../admission/local-admission.js';
import type { Admission } from '../admission/types.js';
import { systemClock, type Clock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { RateLimits } from '../http/rate-limit.js';
import { SiteDirectory } from '../sites/site-directory.js';
import type { EventStore } from '../store/types.js';
import { MemoryVisitState } from '../visits/memory-visit-state.js';
import { eventHandler, preflight, type IngestDeps } from './event-route.js';
import { openCountryLookup } from './geo.js';
import { createWriter } from './group-commit.js';
import { trackHandler } from './track-route.js';
import { VisitorIds } from './visitor-id.js';

/**
 * The three routes on one router: every request the app serves passes this router first, and a
 * router nested in it would be entered, and its routes matched, by each of them again.
 */
export function ingestRoutes(deps: IngestDeps, defaultSite: string | undefined): Router {
  const router = Router();
  router.options('/api/event', preflight);
  router.post('/api/event', eventHandler(deps));
  router.post('/track', trackHandler(deps, defaultSite));
  return router;
}

export interface IngestRouterOptions {
  /** Where events are kept; its owner opens and closes it. */
  store: EventStore;
  /** The settings the server reads from its environment (RATE_LIMIT_*, DEFAULT_SITE, ALLOW_SUBDOMAINS, GROUP_COMMIT_MAX_EVENTS...); loadConfig(process.env) by default. */
  config?: Config;
  /** The limits and visits in this process by default; pass one made with createSharedState to share them through Redis. */
  admission?: Admission;
  clock?: Clock;
}

export interface IngestRouter {
  router: Router;
  /** Refuses new events and resolves once every acknowledged one is committed: call it on shutdown, before closing the store. */
  drain(): Promise<void>;
}

export function createIngestRouter(options: IngestRouterOptions): IngestRouter {
  const config = options.config ?? loadConfig();
  const clock = options.clock ?? systemClock;
  const admission = options.admission ?? new LocalAdmission(RateLimits.memory(config.rateLimits), new MemoryVisitState(clock));
  const writer = createWriter(options.store, config, admission);
  const deps: IngestDeps = {
    allowSubdomains: config.allowSubdomains,
    clock,
    sites: new SiteDirectory(options.store, clock),
    visitors: new VisitorIds(options.store, clock),
    writer,
    countries: openCountryLookup(),
  };
  return { router: ingestRoutes(deps, config.defaultSite), drain: () => writer.drain() };
}
