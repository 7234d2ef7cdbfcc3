/**
 * Visit state in process memory, for a single server without Redis and for any server while
 * Redis is down. A visit leaves only when its time is up, never to make room: maps kept in order
 * of last touch (a touch moves its key to the end) are swept from the front as time passes, up to
 * the first entry still live. Memory is bounded by admission instead: once full, new entries are
 * turned away and every entry already held lives out its time.
 */
import type { Clock } from '../clock.js';
import type { Visit, VisitState, VisitTouch } from './types.js';

/**
 * The most visits, and the most sightings, one process holds.
 *
 * Unbounded, the worst case is the per-site limit (RATE_LIMIT_INGEST_PER_SITE, 300,000 events a
 * minute) opening a visit per event: 9,000,000 live visits per site within the 30 minutes a visit
 * lasts, about 1.5 GB at 165 bytes a visit (key, entry and map slot, measured on Node 20 over a
 * million). One instance ingests less (2,000 to 3,000 events a second in docs/performance.md),
 * still 5.4 million in 30 minutes. Hence a count: 250,000 visits (about 41 MB) and 250,000
 * sightings of the five-minute real-time window (78 bytes each, about 20 MB). One address, or one
 * IPv6 /64, opens at most 1,200 visits a minute (RATE_LIMIT_INGEST_PER_IP), 36,000 in 30 minutes,
 * so filling the bound takes seven of them flooding at their limit for the whole half hour. A
 * site with 250,000 visits in 30 minutes (about 12 million a day) belongs on Redis.
 *
 * Once full, a new visitor's visit is not remembered (each of its events counts as a visit of its
 * own) until older visits end; a visit already open is never evicted, whatever the flood.
 */
export const MAX_LIVE_ENTRIES = 250_000;

/**
 * How often the maps are swept. A delete leaves a hole that iteration from the front walks over
 * until the map compacts itself, so sweeping on every call measured 49 µs a touch (50,000 live
 * visits, touched in turn) against 3 µs once a second, when the walk is paid once for all calls.
 * An entry is still read as ended on time: sweeping only frees its memory.
 */
const SWEEP_INTERVAL_MS = 1_000;

interface KeptVisit extends Visit {
  startedAt: number;
  /** The last instant the visit continues: its latest event plus the idle time. */
  lastsUntil: number;
}

interface Window {
  /** Member → when last seen, oldest first (a sighting moves its member to the end). */
  seen: Map<string, number>;
  trimmedAt: number;
}

export class MemoryVisitState implements VisitState {
  /**
   * In order of expiry as long as every touch uses the same idle time, as SESSION_TIMEOUT_MS
   * is the only one; an entry with a shorter one would still end on time, only be freed later.
   */
  private readonly visits = new Map<string, KeptVisit>();
  private sweptAt = Number.NEGATIVE_INFINITY;
  private readonly windows = new Map<string, Window>();
  private sightings = 0;

  constructor(
    private readonly clock: Clock,
    private readonly capacity = MAX_LIVE_ENTRIES,
  ) {}

  /**
   * The visit kept under `key` (or else under `previousKey`) if it continues now, its life
   * extended by `idleMs`; otherwise `candidate`, now kept under `key`. The same rule as the Redis
   * admission script's, which keeps visits shared by every instance.
   */
  touchVisit({ key, previousKey, candidate, idleMs, maxMs }: VisitTouch): Promise<Visit> {
    const now = this.clock.now();
    if (now - this.sweptAt >= SWEEP_INTERVAL_MS) this.sweepVisits(now);
    const continues = (visit: KeptVisit | undefined) => visit !== undefined && now <= visit.lastsUntil && now - visit.startedAt <= maxMs;
    let visit = this.visits.get(key);
    if (visit !== undefined) this.visits.delete(key);
    if (!continues(visit) && previousKey !== undefined) {
      const previous = this.visits.get(previousKey);
      visit = continues(previous) ? { ...previous! } : undefined;
    }
    if (continues(visit)) {
      visit!.lastsUntil = now + idleMs;
      this.visits.set(key, visit!);
      return Promise.resolve({ sessionId: visit!.sessionId, visitorId: visit!.visitorId });
    }
    if (this.visits.size < this.capacity) this.visits.set(key, { ...candidate, startedAt: now, lastsUntil: now + idleMs });
    return Promise.resolve(candidate);
  }

  private sweepVisits(now: number): void {
    this.sweptAt = now;
    for (const [key, visit] of this.visits) {
      if (visit.lastsUntil >= now) break;
      this.visits.delete(key);
    }
  }

  markSeen(key: string, member: string, at: number, windowMs: number): Promise<void> {
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { seen: new Map(), trimmedAt: Number.NEGATIVE_INFINITY };
      this.windows.set(key, window);
    }
    const oldest = at - windowMs;
    if (window.seen.delete(member)) {
      window.seen.set(member, at);
    } else if (this.roomForSighting(at, oldest)) {
      window.seen.set(member, at);
      this.sightings++;
    }
    this.trim(window, at, oldest);
    return Promise.resolve();
  }

  /** When full, every window is trimmed first: a quiet site's window is otherwise trimmed only by its own sightings. */
  private roomForSighting(at: number, oldest: number): boolean {
    if (this.sightings < this.capacity) return true;
    for (const window of this.windows.values()) this.trim(window, at, oldest);
    return this.sightings < this.capacity;
  }

  private trim(window: Window, at: number, oldest: number): void {
    if (at - window.trimmedAt < SWEEP_INTERVAL_MS) return;
    window.trimmedAt = at;
    for (const [member, seenAt] of window.seen) {
      if (seenAt >= oldest) break;
      window.seen.delete(member);
      this.sightings--;
    }
  }

  countSeen(key: string, since: number): Promise<number> {
    let count = 0;
    for (const seenAt of this.windows.get(key)?.seen.values() ?? []) if (seenAt >= since) count++;
    return Promise.resolve(count);
  }

  close(): Promise<void> {
    this.visits.clear();
    this.windows.clear();
    this.sightings = 0;
    return Promise.resolve();
  }
}
