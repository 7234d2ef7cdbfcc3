/**
 * The server process: configuration from the environment, the store and cache it names,
 * the HTTP listener, and a graceful shutdown that commits every acknowledged event.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Accounts } from './accounts/accounts.js';
import { LoginLimits } from './accounts/login-limits.js';
import { RedisSessions } from './accounts/redis-sessions.js';
import { StoreSessions, type SessionStore } from './accounts/session-store.js';
import { createApp, createWriter } from './app.js';
import { closeRedis, connectRedis, type RedisClient } from './cache/redis-client.js';
import type { ResponseCache } from './cache/types.js';
import { systemClock } from './clock.js';
import { ConfigError, DEMO_SITE, loadConfig, type Config } from './config.js';
import { DaySalt } from './ingest/day-salt.js';
import type { EventWriter } from './ingest/group-commit.js';
import { redisStatsLimit } from './http/rate-limit.js';
import { createGuardedServer } from './http/server-guard.js';
import { deploymentWarnings } from './deployment-warnings.js';
import { createLogger } from './logger.js';
import { createSharedState } from './shared-state.js';
import { warnIfDefaultSiteIsPrivate } from './sites/default-site.js';
import { registerSite, snippet } from './sites/register-site.js';
import { schedulePurge } from './sites/retention.js';
import { createStore } from './store/index.js';
import type { EventStore } from './store/types.js';
import type { VisitState } from './visits/types.js';

/** The command line next to this file, named in the start-up banner. */
const CLI_FILE = fileURLToPath(new URL('./cli/main.js', import.meta.url));

/** After this long a shutdown stops waiting for open connections. */
const SHUTDOWN_GRACE_MS = 10_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.error(`sightline: ${problem}`);
    process.exit(1);
  }
}

/** The demo site is public, so the README's curl examples answer without a key. */
async function ensureDemoSite(store: EventStore): Promise<void> {
  const existing = await store.getSite(DEMO_SITE);
  if (existing === null) await registerSite(store, { domain: DEMO_SITE, timezone: 'UTC', public: true }, systemClock.now());
  else if (existing.public !== true) await store.updateSite(DEMO_SITE, { public: true });
}

/** While nobody has an account, a start-up prints a new one-time link that creates the owner. */
async function setupLink(store: EventStore, sessions: SessionStore, config: Config): Promise<string | null> {
  const accounts = new Accounts(store.accounts, sessions, systemClock, config.publicUrl);
  return (await accounts.needsSetup()) ? accounts.setupLink() : null;
}

function announceSetup(link: string | null): void {
  if (link === null) return;
  console.log(`\n  First run: create the owner account (the link works once, for 24 hours):`);
  console.log(`  ${link}\n`);
}

function announce(config: Config, cacheKind: string, logger: Logger): void {
  logger.info(
    {
      port: config.port,
      host: config.host,
      store: config.store.kind,
      cache: cacheKind,
      ...(config.store.kind === 'sqlite' ? { dataDir: config.store.dataDir } : {}),
    },
    'sightline is listening',
  );
  if (!config.demo) return;
  console.log(`\n  Sightline is running on ${config.publicUrl}`);
  console.log(`  Demo page:  ${config.publicUrl}/   (click around, then:)`);
  console.log(`  Dashboard:  ${config.publicUrl}/dashboard/${DEMO_SITE}`);
  console.log(`  Admin:      ${config.publicUrl}/sites   (sites, keys, people)`);
  console.log(`  Stats:      curl '${config.publicUrl}/api/v1/stats/aggregate?site_id=${DEMO_SITE}&period=day&metrics=visitors,pageviews'`);
  console.log(`  API docs:   ${config.publicUrl}/docs`);
  console.log(`  Snippet:    ${snippet(config.publicUrl, 'your-site.com')}`);
  console.log(`  Add a site: node ${path.relative(process.cwd(), CLI_FILE)} site add your-site.com   (--help lists every command)\n`);
}

function onShutdown(
  server: Server,
  writer: EventWriter,
  store: EventStore,
  cache: ResponseCache,
  visits: VisitState,
  redis: RedisClient | undefined,
  logger: Logger,
) {
  let stopping = false;
  return async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    // Connections busy now turn idle once answered; close them then, not after keepAliveTimeout (5 s).
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    clearTimeout(forced);
    await writer.drain();
    await store.close();
    await cache.close();
    await visits.close();
    if (redis !== undefined) await closeRedis(redis);
    logger.info('stopped');
    process.exit(0);
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  for (const warning of deploymentWarnings(config)) logger.warn(warning);
  const store = await createStore(config.store, { server: true });
  const redis =
    config.redisUrl === undefined
      ? undefined
      : connectRedis(config.redisUrl, (error) => logger.debug({ reason: error.message }, 'redis client error'));
  const salt = new DaySalt(store, systemClock);
  const shared = createSharedState(config, redis, systemClock, logger);
  const { cache, visits } = shared;
  if (config.demo) await ensureDemoSite(store);
  await warnIfDefaultSiteIsPrivate(store, config.defaultSite, logger);

  const writer = createWriter(store, config, shared.admission(config.rateLimits, salt));
  const statsLimit = redis === undefined ? undefined : redisStatsLimit(config.rateLimits, redis, config.redisPrefix, salt);
  const sessions = redis === undefined ? new StoreSessions(store.accounts) : new RedisSessions(redis, config.redisPrefix);
  const loginLimits = redis === undefined ? LoginLimits.memory() : LoginLimits.redis(redis, config.redisPrefix);
  const app = createApp({ config, store, cache, visits, writer, logger, statsLimit, sessions, loginLimits });
  const firstRun = await setupLink(store, new StoreSessions(store.accounts), config);
  const server = createGuardedServer(app, config.server);
  server.listen(config.port, config.host, () => {
    announce(config, cache.kind, logger);
    announceSetup(firstRun);
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });

  schedulePurge(store, systemClock, config.retentionPurgeIntervalMs, logger);

  const shutdown = onShutdown(server, writer, store, cache, visits, redis, logger);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('sightline: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
