/**
 * The visit state port: which visit each visitor is in, and who was seen lately. Redis when
 * REDIS_URL is set, so every instance assigns the same visit; in process memory otherwise.
 * Unlike cached answers this state cannot be recomputed: an entry dropped early splits a visit in
 * two or hides a visitor, so implementations forget entries only when their time is up.
 */
export interface VisitState {
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
  close(): Promise<void>;
}
