/**
 * The visit state port: which visit each visitor is in, and who was seen lately. Redis when
 * REDIS_URL is set, so every instance assigns the same visit; in process memory otherwise.
 * Unlike cached answers this state cannot be recomputed: an entry dropped early splits a visit in
 * two or hides a visitor, so implementations forget entries only when their time is up.
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
   * The visit kept under `key` (or else under `previousKey`) if it continues now, by the state's
   * own clock, its life extended by `idleMs`; otherwise `candidate`, now kept under `key`. One
   * round trip, atomic across instances.
   */
  touchVisit(touch: VisitTouch): Promise<Visit>;
  /**
   * Records `member` as seen at `at` in the sliding window `key`, forgetting members not seen
   * since `at - windowMs`; the whole window expires after `windowMs` without a sighting.
   */
  markSeen(key: string, member: string, at: number, windowMs: number): Promise<void>;
  /** How many members of the window `key` were seen at or after `since`. */
  countSeen(key: string, since: number): Promise<number>;
  close(): Promise<void>;
}
