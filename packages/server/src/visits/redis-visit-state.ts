/**
 * Visit state in Redis, shared by every instance. Keys expire by themselves (PEXPIRE), and
 * Redis evicts nothing unless its operator sets an eviction policy, so no traffic pushes a visit out.
 */
import { closeRedis, connectRedis, type RedisClient } from '../cache/redis-client.js';
import { ensureReady, runScript, script, withTimeout } from '../cache/redis-commands.js';
import type { Visit, VisitState, VisitTouch } from './types.js';

/**
 * A visit is kept as "session:visitor:start" under the key of its visitor, for the idle time.
 * Redis keeps a key up to and including the millisecond it expires, so a gap of exactly the idle
 * time continues the visit; its start is Redis's own clock, as is the idle time.
 *
 * Each event touches its visit and the site's real-time window. One script per call keeps each
 * atomic and costs one command, where MULTI blocks cost four and five, all parsed on both sides.
 */
const TOUCH_VISIT = script(`
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local function continued(key)
  local kept = redis.call('GET', key)
  if not kept then return nil end
  local started = tonumber(string.match(kept, ':(%d+)$'))
  if started and now - started <= tonumber(ARGV[4]) then return kept end
  return nil
end
local visit = continued(KEYS[1])
if not visit and KEYS[2] then visit = continued(KEYS[2]) end
if not visit then visit = ARGV[1] .. ':' .. ARGV[2] .. ':' .. now end
redis.call('SET', KEYS[1], visit, 'PX', ARGV[3])
return visit
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

  async touchVisit({ key, previousKey, candidate, idleMs, maxMs }: VisitTouch): Promise<Visit> {
    ensureReady(this.client);
    const keys = previousKey === undefined ? [this.prefix + key] : [this.prefix + key, this.prefix + previousKey];
    const args = [String(candidate.sessionId), String(candidate.visitorId), String(idleMs), String(maxMs)];
    const kept = String(await withTimeout(runScript(this.client, TOUCH_VISIT, keys, args), 'visit'));
    const [sessionId, visitorId] = kept.split(':');
    return { sessionId: Number(sessionId), visitorId: Number(visitorId) };
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
