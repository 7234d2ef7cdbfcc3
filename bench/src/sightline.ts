/**
 * Sightline as an operator runs it: the compiled server, NODE_ENV=production, logging at warn,
 * a site registered with the CLI beforehand, and its own data directory.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, Service } from './processes.js';

const run = promisify(execFile);
const SERVER_DIST = fileURLToPath(new URL('../../packages/server/dist/', import.meta.url));

export interface SightlineOptions {
  dataDir: string;
  redisUrl: string | undefined;
  /** Keeps this run's Redis keys apart from every other user of a shared Redis. */
  redisPrefix: string;
  site: string;
  /** The operator's token, used by the bench only to issue itself a stats:read API key. */
  adminToken: string;
  extraEnv?: NodeJS.ProcessEnv;
}

function environment(options: SightlineOptions, port: number): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: options.dataDir,
    // The bench counts what the server stored in its SQLite file: a MONGODB_URI set for the MongoDB test lane must not send it elsewhere.
    MONGODB_URI: undefined,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    TRUST_PROXY: 'true',
    DEFAULT_SITE: options.site,
    ADMIN_TOKEN: options.adminToken,
    // One bench client reads stats thousands of times a minute; the per-client stats limit would answer 429.
    RATE_LIMIT_STATS_PER_CLIENT: '0',
    ...options.extraEnv,
  };
}

/** `timezone` unset: the CLI's default (UTC). */
export async function registerSite(options: SightlineOptions, timezone?: string): Promise<void> {
  const zone = timezone === undefined ? [] : ['--timezone', timezone];
  await run(process.execPath, [`${SERVER_DIST}cli/main.js`, 'site', 'add', options.site, ...zone], {
    env: { ...process.env, ...environment(options, 0) },
  });
}

export async function startSightline(options: SightlineOptions, nodeArgs: string[] = []): Promise<Service> {
  const port = await freePort();
  const env = environment(options, port);
  return Service.start('sightline', [...nodeArgs, `${SERVER_DIST}main.js`], { port, env });
}

/** Counts stored events straight from the store, after the server has drained and stopped. */
export async function countStored(dataDir: string, site: string): Promise<number> {
  const { createStore } = await import('@sightline/server/dist/store/index.js');
  const store = await createStore({ kind: 'sqlite', dataDir, synchronous: 'NORMAL' });
  try {
    return await store.countEvents(site);
  } finally {
    await store.close();
  }
}
