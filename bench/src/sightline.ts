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

/**
 * Where the server under test keeps its events: SQLite files in its data directory, or a
 * database of its own on the MongoDB at MONGODB_URI (`pnpm bench --store mongo`).
 */
export type BenchStore = { kind: 'sqlite' } | { kind: 'mongo'; uri: string };

export interface SightlineOptions {
  dataDir: string;
  store: BenchStore;
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
    // Set only for a MongoDB run: a MONGODB_URI in the bench's own environment (the test lane's) must not send a SQLite run's events elsewhere.
    MONGODB_URI: options.store.kind === 'mongo' ? options.store.uri : undefined,
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

/**
 * `timezone` unset: the CLI's default (UTC). Public, as the first version's GET /stats of the
 * default site was, so the sequential read script needs no key.
 */
export async function registerSite(options: SightlineOptions, timezone?: string): Promise<void> {
  const zone = timezone === undefined ? [] : ['--timezone', timezone];
  await run(process.execPath, [`${SERVER_DIST}cli/main.js`, 'site', 'add', options.site, '--public', ...zone], {
    env: { ...process.env, ...environment(options, 0) },
  });
}

export async function startSightline(options: SightlineOptions, nodeArgs: string[] = []): Promise<Service> {
  const port = await freePort();
  const env = environment(options, port);
  return Service.start('sightline', [...nodeArgs, `${SERVER_DIST}main.js`], { port, env });
}

/** The store the server under test uses, opened by the bench itself (to write history, to count). */
export async function openBenchStore(options: SightlineOptions) {
  const { createStore } = await import('@sightline/server/dist/store/index.js');
  return createStore(
    options.store.kind === 'sqlite'
      ? { kind: 'sqlite', dataDir: options.dataDir, synchronous: 'NORMAL' }
      : // Writing a large history in big batches, and counting it, may take long on a small server.
        { kind: 'mongo', uri: options.store.uri, writeConcern: 'majority', writeTimeoutMs: 60_000, readTimeoutMs: 600_000 },
  );
}

/** Counts stored events straight from the store, after the server has drained and stopped. */
export async function countStored(options: SightlineOptions, site: string): Promise<number> {
  const store = await openBenchStore(options);
  try {
    return await store.countEvents(site);
  } finally {
    await store.close();
  }
}

/** Removes what a MongoDB run stored (its SQLite files go with the run's directory). */
export async function eraseBenchSite(options: SightlineOptions, site: string): Promise<void> {
  if (options.store.kind === 'sqlite') return;
  const store = await openBenchStore(options);
  try {
    await store.deleteSite(site);
  } finally {
    await store.close();
  }
}

/** `uri` naming `database` instead of the database it names, keeping hosts and options. */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (match === null) throw new Error('MONGODB_URI must be a mongodb:// or mongodb+srv:// URL');
  return `${match[1]}/${database}${match[2] ?? ''}`;
}
