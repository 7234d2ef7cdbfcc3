/**
 * The real-time window in Redis, shared by every instance. Keys expire by themselves (PEXPIRE),
 * and Redis evicts nothing unless its operator sets an eviction policy, so no traffic pushes a
 * sighting out. Ingest's sightings are made by the admission script, under the same keys.
 */
import { closeRedis, connectRedis, type RedisClient } from '../cache/redis-client.js';
import { ensureReady, runScript, script, withTimeout } from '../cache/redis-commands.js';
import type { VisitState } from './types.js';

/**
 * A sorted set scored by time: ZADD refreshes the member, the trim keeps the set to the window.
 * One script keeps it atomic and costs one command, where a MULTI block costs five.
 */
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
