/**
 * Configuration from the environment, validated once at start-up. Every bad setting is
 * reported on its own line so an operator fixes them all in one go.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { SiteIdSchema } from '@sightline/shared';
import type { RateLimitConfig } from './http/rate-limit.js';
import type { ServerGuards } from './http/server-guard.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Express accepts a boolean, a hop count or a list of trusted addresses/subnets. */
const trustProxy = z
  .string()
  .trim()
  .min(1)
  .transform((value): boolean | number | string => {
    if (value === 'true' || value === 'false') return value === 'true';
    if (/^\d+$/.test(value)) return Number(value);
    return value;
  });

const UNACKNOWLEDGED = 'w=0 is refused: MongoDB would not confirm writes, so every 202 would be a guess; use majority or a number of nodes from 1';

/** Whether the URI's query string sets `name` to `value` (option names are case-insensitive). */
function uriOptionIs(uri: string, name: string, value: string): boolean {
  const query = uri.split('?')[1] ?? '';
  return [...new URLSearchParams(query)].some(([key, given]) => key.toLowerCase() === name.toLowerCase() && given.trim().toLowerCase() === value);
}

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('NORMAL'),
  // Reader threads compete with the event loop for cores: more of them than cores slows ingest during heavy reads.
  // One core is left to the thread that acknowledges events: with a reader per core, a burst of
  // heavy reads took ingest's p99 from under 10 ms to 112 ms on 2 cores (docs/performance.md).
  STATS_READERS: z.coerce
    .number({ message: 'must be a number of threads' })
    .int()
    .min(1)
    .max(64)
    .default(Math.max(1, availableParallelism() - 1)),
  STATS_QUERY_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(100).max(600_000).default(10_000),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL')
    .refine((uri) => !uriOptionIs(uri, 'w', '0'), UNACKNOWLEDGED)
    .refine((uri) => !uriOptionIs(uri, 'retryWrites', 'false'), 'retryWrites=false is refused: a write cut off by a failover would fail instead of being retried once')
    .optional(),
  MONGODB_WRITE_CONCERN: z
    .string()
    .regex(/^(majority|\d+)$/, 'must be majority or a number of nodes')
    .refine((value) => Number(value) !== 0, UNACKNOWLEDGED)
    .transform((value): 'majority' | number => (value === 'majority' ? value : Number(value)))
    .default('majority'),
  // A majority write waits for the secondaries; without a bound, one lagging member would hold every beacon open.
  MONGODB_WRITE_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(100).max(600_000).default(5000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_PREFIX: z.string().min(1).max(100).default('sightline:'),
  MEMORY_CACHE_MB: z.coerce.number({ message: 'must be a number of megabytes' }).int().min(0).max(65_536).default(32),
  TRUST_PROXY: trustProxy.default(false),
  // Spaces would be trimmed from an Authorization header, so a token of them could never be sent, and a short one guessed.
  ADMIN_TOKEN: z
    .string()
    .regex(/^\S+$/, 'must not contain spaces or other blanks')
    .min(16, 'must be at least 16 characters')
    .optional(),
  DEMO: booleanFlag.optional(),
  DEFAULT_SITE: SiteIdSchema.optional(),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://stats.example.com' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GROUP_COMMIT_MAX_EVENTS: z.coerce.number().int().min(1).max(100_000).default(1000),
  // Events accepted but not yet committed. Past it ingest answers 503: a stalled store must not grow the heap until the process dies.
  WRITE_BUFFER_MAX_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  // Per minute; 0 turns a limit off. docs/security.md explains the defaults.
  RATE_LIMIT_INGEST_PER_IP: z.coerce.number().int().min(0).default(1200),
  RATE_LIMIT_INGEST_PER_SITE: z.coerce.number().int().min(0).default(300_000),
  RATE_LIMIT_STATS_PER_CLIENT: z.coerce.number().int().min(0).default(600),
  ALLOW_SUBDOMAINS: booleanFlag.default(true),
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(256),
  RETENTION_PURGE_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
});

export type StoreConfig =
  | {
      kind: 'sqlite';
      dataDir: string;
      synchronous: 'FULL' | 'NORMAL';
      /** Reader threads and each read's deadline for a server; absent, reads run in-process. */
      statsReaders?: { workers: number; timeoutMs: number };
    }
  /**
   * Events are acknowledged only once `writeConcern` nodes (default: a majority) have them, within
   * `writeTimeoutMs`; each stats read is given up after `readTimeoutMs`.
   */
  | { kind: 'mongo'; uri: string; writeConcern: 'majority' | number; writeTimeoutMs: number; readTimeoutMs: number };

export interface Config {
  production: boolean;
  port: number;
  host: string;
  store: StoreConfig;
  redisUrl: string | undefined;
  redisPrefix: string;
  /** Bytes of stats answers cached in process memory (without Redis, or while it is down). */
  memoryCacheBytes: number;
  trustProxy: boolean | number | string;
  adminToken: string | undefined;
  /** Registers a demo site and serves a demo page at `/`. */
  demo: boolean;
  /** The site the seed-compatible POST /track and GET /stats speak for. */
  defaultSite: string | undefined;
  /** Where browsers reach this server; used in printed snippets and links. */
  publicUrl: string;
  logLevel: string;
  groupCommitMaxEvents: number;
  /** Events waiting for a commit beyond which ingest refuses with 503. */
  writeBufferMaxEvents: number;
  rateLimits: RateLimitConfig;
  server: ServerGuards;
  /** Events from `blog.example.com` count for the site `example.com`. */
  allowSubdomains: boolean;
  retentionPurgeIntervalMs: number;
}

export const DEMO_SITE = 'localhost';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const demo = e.DEMO ?? !production;
  const port = e.PORT;
  return {
    production,
    port,
    host: e.HOST,
    store:
      e.MONGODB_URI !== undefined
        ? {
            kind: 'mongo',
            uri: e.MONGODB_URI,
            writeConcern: e.MONGODB_WRITE_CONCERN,
            writeTimeoutMs: e.MONGODB_WRITE_TIMEOUT_MS,
            readTimeoutMs: e.STATS_QUERY_TIMEOUT_MS,
          }
        : {
            kind: 'sqlite',
            dataDir: path.resolve(e.DATA_DIR),
            synchronous: e.SQLITE_SYNCHRONOUS,
            statsReaders: { workers: e.STATS_READERS, timeoutMs: e.STATS_QUERY_TIMEOUT_MS },
          },
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    memoryCacheBytes: e.MEMORY_CACHE_MB * 1024 * 1024,
    trustProxy: e.TRUST_PROXY,
    adminToken: e.ADMIN_TOKEN,
    demo,
    defaultSite: e.DEFAULT_SITE ?? (demo ? DEMO_SITE : undefined),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    groupCommitMaxEvents: e.GROUP_COMMIT_MAX_EVENTS,
    writeBufferMaxEvents: e.WRITE_BUFFER_MAX_EVENTS,
    rateLimits: {
      ingestPerIp: e.RATE_LIMIT_INGEST_PER_IP,
      ingestPerSite: e.RATE_LIMIT_INGEST_PER_SITE,
      statsPerClient: e.RATE_LIMIT_STATS_PER_CLIENT,
      windowSeconds: 60,
    },
    allowSubdomains: e.ALLOW_SUBDOMAINS,
    server: {
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 30_000,
      // Behind a proxy every connection comes from the proxy: capping it would cap everyone.
      maxConnectionsPerAddress: e.TRUST_PROXY === false ? e.MAX_CONNECTIONS_PER_ADDRESS : 0,
    },
    retentionPurgeIntervalMs: e.RETENTION_PURGE_INTERVAL_MINUTES * 60_000,
  };
}
