/**
 * Rate limits with rate-limiter-flexible: per client address and per site on ingest, per API key
 * (or per address without one) on the stats API; an address is an IPv4 address or an IPv6 /64
 * (address-key.ts). With REDIS_URL set, the stats limit counts in Redis, so every instance shares
 * it, insured by an in-process limiter, so a Redis outage or a slow Redis never blocks a read,
 * it only makes the limit per instance for a while; ingest's limits are counted there by the
 * admission script (RedisAdmission), under the same keys, and by these in process memory while
 * Redis is away.
 */
import { createHash, createHmac } from 'node:crypto';
import type { RequestHandler } from 'express';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
  type RateLimiterAbstract,
  type RateLimiterInsuredAbstract,
} from 'rate-limiter-flexible';
import type { RedisClient } from '../cache/redis-client.js';
import type { DaySalt } from '../ingest/day-salt.js';
import { addressKey } from './address-key.js';
import { bearerToken } from './admin-auth.js';
import { HttpError } from './errors.js';

/** Requests allowed per window; 0 turns that limit off. */
export interface RateLimitConfig {
  ingestPerIp: number;
  ingestPerSite: number;
  statsPerClient: number;
  windowSeconds: number;
}

/** Same budget as the cache: a healthy Redis answers in well under a millisecond. */
const REDIS_TIMEOUT_MS = 250;

type Limiter = RateLimiterAbstract | RateLimiterInsuredAbstract;

/** What a limiter counts under, for an address or API key: never the value itself. */
type KeyOf = (value: string) => string | Promise<string>;

const digestKey = (digest: Buffer) => digest.toString('base64url').slice(0, 22);

/** In process memory, which nobody reads and nothing persists, a plain digest keeps keys short. */
const plainKey: KeyOf = (value) => digestKey(createHash('sha256').update(value).digest());

/**
 * Redis may be read by others and persisted to disk, and an unkeyed hash of an IPv4 address is
 * inverted by trying all 2^32 of them. A keyed hash under the day's secret cannot be: the secret
 * is never in Redis and is destroyed with the day.
 */
export const saltedDigest = (secret: Buffer, value: string): string =>
  digestKey(createHmac('sha256', secret).update(`rate-limit\u0000${value}`).digest());

const saltedKey =
  (salt: DaySalt): KeyOf =>
  async (value) =>
    saltedDigest(await salt.get(), value);

/** Where a limit's counter is kept in Redis, as rate-limiter-flexible names it: `<keyPrefix>:<key>`. */
export const redisLimitPrefix = (prefix: string, name: LimitName) => `${prefix}rl:${name}`;

export type LimitName = 'ingest-ip' | 'ingest-site' | 'stats';

/** What a refusal names, per limit. */
export const REFUSED_WHAT: Record<LimitName, string> = {
  'ingest-ip': 'from this address',
  'ingest-site': 'for this site',
  stats: 'for this key or address',
};

export function tooMany(what: string, msBeforeNext: number): HttpError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new HttpError(429, `too many requests ${what}; retry in ${seconds} s`, undefined, { 'Retry-After': String(seconds) });
}

class Limit {
  constructor(
    private readonly limiter: Limiter | undefined,
    private readonly what: string,
    private readonly keyOf: KeyOf,
  ) {}

  /** False when the limit is off (0 requests per window): nothing is counted. */
  get counts(): boolean {
    return this.limiter !== undefined;
  }

  /** Resolves when `key` may go on, rejects with a 429 when it has used its window. */
  async take(key: string): Promise<void> {
    if (this.limiter === undefined) return;
    try {
      await this.limiter.consume(await this.keyOf(key));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(this.what, rejection.msBeforeNext);
      // Both the Redis limiter and its insurance failed, or the day's secret could not be read: counting is not worth refusing traffic for.
    }
  }
}

const memoryLimit = (name: LimitName, points: number, windowSeconds: number) =>
  new Limit(points > 0 ? new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds }) : undefined, REFUSED_WHAT[name], plainKey);

/** Every limit, in process memory: all of them on a server without Redis, ingest's while Redis is away. */
export class RateLimits {
  readonly ingestIp: Limit;
  readonly ingestSite: Limit;
  readonly stats: Limit;

  private constructor(config: RateLimitConfig) {
    this.ingestIp = memoryLimit('ingest-ip', config.ingestPerIp, config.windowSeconds);
    this.ingestSite = memoryLimit('ingest-site', config.ingestPerSite, config.windowSeconds);
    this.stats = memoryLimit('stats', config.statsPerClient, config.windowSeconds);
  }

  static memory(config: RateLimitConfig): RateLimits {
    return new RateLimits(config);
  }
}

/**
 * The stats limit, counted in Redis over the instance's shared connection (its owner closes it);
 * until Redis answers, and whenever it does not, the in-process insurance counts. Keys are hashed
 * under `salt`, which the instances share through the store; they change when it does, at
 * midnight UTC.
 */
export function redisStatsLimit(config: RateLimitConfig, client: RedisClient, prefix: string, salt: DaySalt): Limit {
  const { statsPerClient: points, windowSeconds: duration } = config;
  if (points <= 0) return new Limit(undefined, REFUSED_WHAT.stats, plainKey);
  const insurance = new RateLimiterMemory({ keyPrefix: 'stats', points, duration });
  const shared = new RateLimiterRedis({
    storeClient: client,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    keyPrefix: redisLimitPrefix(prefix, 'stats'),
    points,
    duration,
  });
  const limiter = new RLWrapperTimeouts({ limiter: shared, timeoutMs: REDIS_TIMEOUT_MS, insuranceLimiter: insurance });
  return new Limit(limiter, REFUSED_WHAT.stats, saltedKey(salt));
}

/**
 * The stats API is limited per address and, with a key, per key too: a key shared by many
 * machines cannot exceed its budget, and sending made-up keys from one address buys no more.
 */
export function limitByClient(limit: Limit): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req.get('authorization'));
    limit
      .take(`ip:${addressKey(req.ip ?? '')}`)
      .then(() => (token === undefined ? undefined : limit.take(`key:${token}`)))
      .then(() => next(), next);
  };
}

export type { Limit };
