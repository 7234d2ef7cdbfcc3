/**
 * The visit state port: who was seen lately, for the real-time count. Redis when REDIS_URL is
 * set, so every instance counts the same visitors; in process memory otherwise. Which visit each
 * visitor is in is kept by admission alongside (the Redis admission script, or LocalAdmission over
 * MemoryVisitState), by the same rule in both. Unlike cached answers this state cannot be recomputed:
 * an entry dropped early splits a visit in two or hides a visitor, so implementations forget
 * entries only when their time is up.
 */

/** The visit an event belongs to, and the visitor id the visit is counted under. */
export interface Visit {
  sessionId: number;
  visitorId: number;
}

export interface VisitTouch {
  /** Where the visitor's visit is kept. */
  key: string;
  /**
   * Where the visit was kept under the visitor's id of the previous day's salt: a visit open
   * when the salt turned continues there, under that day's visitor id.
   */
  previousKey?: string | undefined;
  /** The visit opened when none continues. */
  candidate: Visit;
  /** A visit continues after a gap of up to this long... */
  idleMs: number;
  /** ...until this long after it began. */
  maxMs: number;
}

export interface VisitState {
  /**
   * Records `member` as seen at `at` in the sliding window `key`, forgetting members not seen
   * since `at - windowMs`; the whole window expires after `windowMs` without a sighting.
   */
  markSeen(key: string, member: string, at: number, windowMs: number): Promise<void>;
  /** How many members of the window `key` were seen at or after `since`. */
  countSeen(key: string, since: number): Promise<number>;
  close(): Promise<void>;
}
