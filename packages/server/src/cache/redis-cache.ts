/**
 * The Redis cache, through the official client. Commands fail fast while Redis is away
 * (no offline queue, a short timeout) so a missing Redis costs a request milliseconds, not seconds.
 */
import { createClient } from 'redis';
import type { Cache } from './types.js';

/** A healthy Redis on the same network answers in well under a millisecond. */
const COMMAND_TIMEOUT_MS = 250;

function newClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000),
    },
  });
}

type Client = ReturnType<typeof newClient>;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis ${what} timed out after ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class RedisCache implements Cache {
  readonly kind = 'redis';

  private constructor(
    private readonly client: Client,
    private readonly prefix: string,
  ) {}

  /**
   * Starts connecting and returns at once: the server must come up even when Redis is down,
   * and the client keeps reconnecting in the background.
   */
  static connect(url: string, keyPrefix: string, onError: (error: Error) => void): RedisCache {
    const client = newClient(url);
    client.on('error', onError);
    client.connect().catch(onError);
    return new RedisCache(client, keyPrefix);
  }

  private ready(): void {
    if (!this.client.isReady) throw new Error('redis is not connected');
  }

  async get(key: string): Promise<string | null> {
    this.ready();
    return withTimeout(this.client.get(this.prefix + key), 'GET');
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.ready();
    await withTimeout(this.client.set(this.prefix + key, value, { expiration: { type: 'PX', value: ttlMs } }), 'SET');
  }

  async touchSession(key: string, candidate: number, ttlMs: number): Promise<number> {
    this.ready();
    const fullKey = this.prefix + key;
    // SET NX GET stores the candidate only when no session exists and returns the one that does;
    // PEXPIRE then slides the 30-minute window either way. MULTI keeps the pair atomic.
    const [previous] = await withTimeout(
      this.client
        .multi()
        .set(fullKey, String(candidate), { condition: 'NX', GET: true, expiration: { type: 'PX', value: ttlMs } })
        .pExpire(fullKey, ttlMs)
        .exec(),
      'session',
    );
    return previous === null || previous === undefined ? candidate : Number(previous);
  }

  async markSeen(key: string, member: string, at: number, windowMs: number): Promise<void> {
    this.ready();
    const fullKey = this.prefix + key;
    // A sorted set scored by time: ZADD refreshes the member, the trim keeps the set to the window.
    await withTimeout(
      this.client
        .multi()
        .zAdd(fullKey, { score: at, value: member })
        .zRemRangeByScore(fullKey, '-inf', `(${at - windowMs}`)
        .pExpire(fullKey, windowMs)
        .exec(),
      'markSeen',
    );
  }

  async countSeen(key: string, since: number): Promise<number> {
    this.ready();
    return withTimeout(this.client.zCount(this.prefix + key, since, '+inf'), 'ZCOUNT');
  }

  async ping(): Promise<void> {
    this.ready();
    await withTimeout(this.client.ping(), 'PING');
  }

  async close(): Promise<void> {
    if (this.client.isReady) await this.client.close();
    else if (this.client.isOpen) this.client.destroy();
  }
}
