/**
 * Tests that need Redis read REDIS_URL. Locally a missing Redis skips them with a note;
 * under CI=true it fails the run, so a broken environment cannot pass as green.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { RedisCache } from '../../src/cache/redis-cache.js';
import { RedisVisitState } from '../../src/visits/redis-visit-state.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAvailable(url: string = REDIS_URL): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but Redis at ${url} is unreachable: ${(error as Error).message}`);
    }
    console.warn(`skipped: Redis at ${url} is unreachable (set REDIS_URL)`);
    return false;
  } finally {
    if (client.isOpen) await client.quit();
  }
}

/** A Redis cache under a prefix of its own, once it answers. */
export async function connectedRedis(prefix = `sightline-test:${randomUUID()}:`): Promise<RedisCache> {
  const cache = RedisCache.connect(REDIS_URL, prefix, () => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await cache.ping();
      return cache;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error('Redis did not become ready');
}

/** Redis visit state under a prefix of its own, once it answers. */
export async function connectedRedisVisits(prefix = `sightline-test:${randomUUID()}:`): Promise<RedisVisitState> {
  const visits = RedisVisitState.connect(REDIS_URL, prefix, () => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await visits.countSeen('ready', 0);
      return visits;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error('Redis did not become ready');
}
