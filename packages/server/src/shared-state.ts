/**
 * Picks where cached answers and visit state live: Redis when configured, in process memory
 * otherwise. Both use the instance's one Redis connection (the caller owns and closes it) and
 * share one failover, so a Redis outage switches both to memory at once and is logged once.
 */
import type { Logger } from 'pino';
import { LocalAdmission } from './admission/local-admission.js';
import { RedisAdmission } from './admission/redis-admission.js';
import { ResilientAdmission } from './admission/resilient-admission.js';
import type { Admission } from './admission/types.js';
import { Failover } from './cache/failover.js';
import { MemoryCache } from './cache/memory-cache.js';
import { RedisCache } from './cache/redis-cache.js';
import type { RedisClient } from './cache/redis-client.js';
import { ResilientCache } from './cache/resilient-cache.js';
import type { ResponseCache } from './cache/types.js';
import type { Clock } from './clock.js';
import { RateLimits, type RateLimitConfig } from './http/rate-limit.js';
import type { DaySalt } from './ingest/day-salt.js';
import { MemoryVisitState } from './visits/memory-visit-state.js';
import { RedisVisitState } from './visits/redis-visit-state.js';
import { ResilientVisitState } from './visits/resilient-visit-state.js';
import type { VisitState } from './visits/types.js';

export interface SharedStateConfig {
  /** Every Redis key starts with it, so several installs (or test runs) can share one Redis. */
  redisPrefix: string;
  /** The bound of the in-process answer cache. */
  memoryCacheBytes: number;
}

export interface SharedState {
  cache: ResponseCache;
  visits: VisitState;
  /** Ingest's limits and visits, decided per group, over the same visits; the in-process limits count while Redis is away. */
  admission(limits: RateLimitConfig, salt: DaySalt): Admission;
}

export function createSharedState(config: SharedStateConfig, redis: RedisClient | undefined, clock: Clock, logger: Logger): SharedState {
  const visits = new MemoryVisitState(clock);
  const cache = new MemoryCache(clock, config.memoryCacheBytes);
  const local = (limits: RateLimitConfig) => new LocalAdmission(RateLimits.memory(limits), visits);
  if (redis === undefined) return { cache, visits, admission: local };
  const failover = new Failover(logger, 'redis');
  return {
    cache: new ResilientCache(RedisCache.over(redis, config.redisPrefix), cache, failover),
    visits: new ResilientVisitState(RedisVisitState.over(redis, config.redisPrefix), visits, failover),
    admission: (limits, salt) => new ResilientAdmission(new RedisAdmission(redis, config.redisPrefix, limits, salt), local(limits), failover),
  };
}
