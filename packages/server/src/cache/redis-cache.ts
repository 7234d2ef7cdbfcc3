/**
 * The Redis answer cache, through the official client. Commands fail fast while Redis is away
 * (no offline queue, a short timeout) so a missing Redis costs a request milliseconds, not seconds.
 */
import { closeRedis, connectRedis, type RedisClient } from './redis-client.js';
import { ensureReady, withTimeout } from './redis-commands.js';
import type { ResponseCache } from './types.js';

export class RedisCache implements ResponseCache {
  readonly kind = 'redis';

  private constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    /** Whether close() ends the connection; a shared one is its creator's to close. */
    private readonly ownsClient: boolean,
  ) {}

  /**
   * Starts connecting and returns at once: the server must come up even when Redis is down,
   * and the client keeps reconnecting in the background.
   */
  static connect(url: string, keyPrefix: string, onError: (error: Error) => void): RedisCache {
    return new RedisCache(connectRedis(url, onError), keyPrefix, true);
  }

  /** Over a connection the caller owns and closes. */
  static over(client: RedisClient, keyPrefix: string): RedisCache {
    return new RedisCache(client, keyPrefix, false);
  }

  async get(key: string): Promise<string | null> {
    ensureReady(this.client);
    return withTimeout(this.client.get(this.prefix + key), 'GET');
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    ensureReady(this.client);
    await withTimeout(this.client.set(this.prefix + key, value, { expiration: { type: 'PX', value: ttlMs } }), 'SET');
  }

  async ping(): Promise<void> {
    ensureReady(this.client);
    await withTimeout(this.client.ping(), 'PING');
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.client);
  }
}
