/** Picks the cache the configuration asks for. */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';
import type { RedisClient } from './redis-client.js';
import { ResilientCache } from './resilient-cache.js';
import type { Cache } from './types.js';

export interface CacheConfig {
  redisUrl: string | undefined;
  /** Every key starts with it, so several installs (or test runs) can share one Redis. */
  redisPrefix: string;
}

/** With `shared`, the cache uses that connection (the caller closes it); otherwise its own. */
export function createCache({ redisUrl, redisPrefix }: CacheConfig, clock: Clock, logger: Logger, shared?: RedisClient): Cache {
  if (redisUrl === undefined) return new MemoryCache(clock);
  // The client reports every failed reconnect; the resilient wrapper logs the outage once instead.
  const redis =
    shared === undefined
      ? RedisCache.connect(redisUrl, redisPrefix, (error) => logger.debug({ reason: error.message }, 'redis client error'))
      : RedisCache.over(shared, redisPrefix);
  return new ResilientCache(redis, new MemoryCache(clock), logger);
}
