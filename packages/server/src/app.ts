/**
 * The composition root: builds the Express app from injected dependencies. Tests pass their
 * own store, cache and clock and drive the app with supertest, without listening on a port.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { ReadThrough } from './cache/cached.js';
import type { ResponseCache } from './cache/types.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { errorHandler, notFound } from './http/errors.js';
import { healthRoutes } from './http/health-routes.js';
import { LocalAdmission } from './admission/local-admission.js';
import { limitByClient, RateLimits, type Limit } from './http/rate-limit.js';
import type { IngestDeps } from './ingest/event-route.js';
import { openCountryLookup, type CountryLookup } from './ingest/geo.js';
import { createWriter, type EventWriter } from './ingest/group-commit.js';
import { ingestRoutes } from './ingest/ingest-router.js';
import { VisitorIds } from './ingest/visitor-id.js';
import { silentLogger } from './logger.js';
import type { LoginLimits } from './accounts/login-limits.js';
import type { SessionStore } from './accounts/session-store.js';
import { createWebAdmin } from './admin/web-admin.js';
import { SiteDirectory } from './sites/site-directory.js';
import { SiteAccess } from './sites/site-access.js';
import { siteRoutes } from './sites/site-routes.js';
import { definitionRoutes } from './goals/definition-routes.js';
import { aggregateRoute } from './stats/aggregate-route.js';
import { breakdownRoute } from './stats/breakdown-route.js';
import { funnelRoute } from './stats/funnel-route.js';
import { realtimeRoute } from './stats/realtime-route.js';
import { seedStatsRoute } from './stats/seed-stats-route.js';
import { timeseriesRoute } from './stats/timeseries-route.js';
import { StatsAnswers } from './stats/stats-answers.js';
import { summaryRoute } from './stats/summary-route.js';
import type { EventStore } from './store/types.js';
import { MemoryVisitState } from './visits/memory-visit-state.js';
import type { VisitState } from './visits/types.js';
import { dashboardRoute } from './web/dashboard-route.js';
import { demoRoutes } from './web/demo-page.js';
import { docsRoutes } from './web/docs-route.js';
import { faviconRoute } from './web/favicon-route.js';
import { scriptRoute } from './web/script-route.js';

/** The tracker package's build output, found the same way from src/ and from dist/. */
export const DEFAULT_SCRIPT_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../tracker/dist/s.js',
);

/**
 * The group commit, which also decides ingest's limits and visits per group (createWriter), and
 * the visit state that answers the real-time count: the sightings that admission makes. With a
 * writer, the caller owns it (to drain it on shutdown) and passes the visits its admission keeps
 * (main.ts: both in Redis); without one, ingest is admitted in process memory, into `visits`.
 */
type IngestParts = { writer: EventWriter; visits?: VisitState } | { writer?: undefined; visits?: MemoryVisitState };

export type AppDeps = IngestParts & {
  config: Config;
  store: EventStore;
  cache: ResponseCache;
  clock?: Clock;
  logger?: Logger;
  scriptFile?: string;
  /** Stats reads' limit: shared through Redis by main.ts; in process memory by default. */
  statsLimit?: Limit;
  /** The bundled country database by default. */
  countries?: CountryLookup;
  /** Sessions of the web admin: in Redis by main.ts when REDIS_URL is set; in the store by default. */
  sessions?: SessionStore;
  /** Sign-in attempt counters: in Redis by main.ts when REDIS_URL is set; in process memory by default. */
  loginLimits?: LoginLimits;
};

export { createWriter };

export function createApp(deps: AppDeps): Express {
  const { config, store, cache } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const sites = new SiteDirectory(store, clock);
  const limits = RateLimits.memory(config.rateLimits);
  const { writer, visits } = ingestParts(deps, limits, clock);
  const ingest: IngestDeps = {
    allowSubdomains: config.allowSubdomains,
    clock,
    sites,
    visitors: new VisitorIds(store, clock),
    writer,
    countries: deps.countries ?? openCountryLookup(),
  };
  const access = new SiteAccess(store, sites, config.adminToken, clock);
  const answers = new StatsAnswers({ store, cached: new ReadThrough(cache, clock), visits });
  const stats = { access, answers, clock };
  const admin = createWebAdmin({ store, sites, clock, config, sessions: deps.sessions, loginLimits: deps.loginLimits });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  app.use(ingestRoutes(ingest, config.defaultSite));
  const https = config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      // Over plain http (the quickstart, a LAN install) these two would break the page or be ignored.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
      strictTransportSecurity: https,
      // The demo pages' own referrers let a visitor's path through the site be seen, as on a real site.
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    }),
  );

  app.use(healthRoutes(store, cache));
  app.use(scriptRoute(deps.scriptFile ?? DEFAULT_SCRIPT_FILE));
  app.use(faviconRoute());
  app.use(dashboardRoute({ defaultSite: config.defaultSite, https, redirectFor: admin.dashboardRedirect }));
  const statsLimit = deps.statsLimit ?? limits.stats;
  // Mounted while off, it still worked out the client's address and waited two promise turns on every read.
  if (statsLimit.counts) app.use(['/api/stats', '/stats', '/api/v1/stats'], limitByClient(statsLimit));
  app.use('/api/v1/stats', admin.readSessions);
  app.use(summaryRoute(stats));
  app.use(seedStatsRoute({ sites, access, answers }, config.defaultSite));
  app.use(aggregateRoute(stats), timeseriesRoute(stats), breakdownRoute(stats), funnelRoute(stats, store), realtimeRoute(stats));
  app.use(docsRoutes(config.publicUrl));
  app.use(express.json({ limit: '16kb' }), siteRoutes({ store, sites, access, clock, config }), definitionRoutes({ store, access, clock }));
  app.use(admin.routes);
  if (config.demo) app.use(demoRoutes());

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

/** The writer and visits given, or an in-process admission into in-process visits. */
function ingestParts(deps: AppDeps, limits: RateLimits, clock: Clock): { writer: EventWriter; visits: VisitState } {
  if (deps.writer !== undefined) return { writer: deps.writer, visits: deps.visits ?? new MemoryVisitState(clock) };
  const visits = deps.visits ?? new MemoryVisitState(clock);
  return { writer: createWriter(deps.store, deps.config, new LocalAdmission(limits, visits)), visits };
}
