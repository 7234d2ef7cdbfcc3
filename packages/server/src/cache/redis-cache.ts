/**
 * The Redis cache, through the official client. Commands fail fast while Redis is away
 * (no offline queue, a short timeout) so a missing Redis costs a request milliseconds, not seconds.
 */
import { createHash } from 'node:crypto';
import { closeRedis, connectRedis, type RedisClient } from './redis-client.js';
import type { Cache } from './types.js';

/** A healthy Redis on the same network answers in well under a millisecond. */
const COMMAND_TIMEOUT_MS = 250;

interface Script {
  text: string;
  sha1: string;
}

const script = (text: string): Script => ({ text, sha1: createHash('sha1').update(text).digest('hex') });

/**
 * Each event touches its visit and the site's real-time window. One script per call keeps each
 * atomic and costs one command, where MULTI blocks cost four and five, all parsed on both sides.
 */
const TOUCH_SESSION = script(`
local id = redis.call('GET', KEYS[1])
if id then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return id
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`);

/** A sorted set scored by time: ZADD refreshes the member, the trim keeps the set to the window. */
const MARK_SEEN = script(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 0
`);

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
    const id = await withTimeout(this.script(TOUCH_SESSION, this.prefix + key, [String(candidate), String(ttlMs)]), 'session');
    return Number(id);
  }

  async markSeen(key: string, member: string, at: number, windowMs: number): Promise<void> {
    this.ready();
    await withTimeout(
      this.script(MARK_SEEN, this.prefix + key, [String(at), member, `(${at - windowMs}`, String(windowMs)]),
      'markSeen',
    );
  }

  /**
   * Runs a script by its digest, sending its text only when this Redis does not know it yet
   * (first use, or after a restart emptied its script cache).
   */
  private async script(script: Script, key: string, args: string[]): Promise<unknown> {
    const options = { keys: [key], arguments: args };
    try {
      return await this.client.evalSha(script.sha1, options);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script.text, options);
    }
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
    if (this.ownsClient) await closeRedis(this.client);
  }
}
