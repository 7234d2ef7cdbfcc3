/**
 * The cache port: short-lived shared state. Redis when REDIS_URL is set, so every server
 * instance sees the same cache and sessions; an in-process map otherwise.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * The session id kept under `key`, its life extended to `ttlMs`; when there is none,
   * `candidate` is stored and returned. One round trip, atomic across instances.
   */
  touchSession(key: string, candidate: number, ttlMs: number): Promise<number>;
  /**
   * Records `member` as seen at `at` in the sliding window `key`, forgetting members not seen
   * since `at - windowMs`; the whole window expires after `windowMs` without a sighting.
   */
  markSeen(key: string, member: string, at: number, windowMs: number): Promise<void>;
  /** How many members of the window `key` were seen at or after `since`. */
  countSeen(key: string, since: number): Promise<number>;
  /** Resolves when the cache answers; rejects with the reason it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
