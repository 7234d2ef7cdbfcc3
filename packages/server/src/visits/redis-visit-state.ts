/**
 * Visit state in Redis, shared by every instance. Keys expire by themselves (PEXPIRE), and
 * Redis evicts nothing unless its operator sets an eviction policy, so no traffic pushes a visit out.
 */
import { closeRedis, connectRedis, type RedisClient } from '../cache/redis-client.js';
import { ensureReady, runScript, script, withTimeout } from '../cache/redis-commands.js';
import type { VisitState } from './types.js';

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

export class RedisVisitState implements VisitState {
  private constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    /** Whether close() ends the connection; a shared one is its creator's to close. */
    private readonly ownsClient: boolean,
  ) {}

  /** Starts connecting and returns at once, like RedisCache.connect. */
  static connect(url: string, keyPrefix: string, onError: (error: Error) => void): RedisVisitState {
    return new RedisVisitState(connectRedis(url, onError), keyPrefix, true);
  }

  /** Over a connection the caller owns and closes. */
  static over(client: RedisClient, keyPrefix: string): RedisVisitState {
    return new RedisVisitState(client, keyPrefix, false);
  }

  async touchSession(key: string, candidate: number, ttlMs: number): Promise<number> {
    ensureReady(this.client);
    const id = await withTimeout(runScript(this.client, TOUCH_SESSION, this.prefix + key, [String(candidate), String(ttlMs)]), 'session');
    return Number(id);
  }

  async markSeen(key: string, member: string, at: number, windowMs: number): Promise<void> {
    ensureReady(this.client);
    await withTimeout(
      runScript(this.client, MARK_SEEN, this.prefix + key, [String(at), member, `(${at - windowMs}`, String(windowMs)]),
      'markSeen',
    );
  }

  async countSeen(key: string, since: number): Promise<number> {
    ensureReady(this.client);
    return withTimeout(this.client.zCount(this.prefix + key, since, '+inf'), 'ZCOUNT');
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.client);
  }
}
