/** Picks the cache the configuration asks for. */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';
import { ResilientCache } from './resilient-cache.js';
import type { Cache } from './types.js';

export function createCache(redisUrl: string | undefined, clock: Clock, logger: Logger): Cache {
  if (redisUrl === undefined) return new MemoryCache(clock);
  // The client reports every failed reconnect; the resilient wrapper logs the outage once instead.
  const redis = RedisCache.connect(redisUrl, (error) => logger.debug({ reason: error.message }, 'redis client error'));
  return new ResilientCache(redis, new MemoryCache(clock), logger);
}
