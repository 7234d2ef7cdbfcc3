/**
 * The secret of the current UTC day: 32 random bytes kept in the store, so every instance keys
 * its hashes alike, and destroyed when the day is over, so no hash made with it can be recomputed
 * afterwards, not even by someone holding the store, Redis and its append-only file.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EventStore } from '../store/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class DaySalt {
  private current: { day: string; salt: Promise<Buffer> } | undefined;
  /** The day before's salt, held in this process's memory only, until `until`; never read from the store. */
  private previous: { until: number; salt: Promise<Buffer> } | undefined;

  /**
   * `keepPreviousMs`: how long into a new day this process keeps the previous day's salt, which
   * the store has already destroyed; 0 (the default) drops it as the day turns.
   */
  constructor(
    private readonly store: Pick<EventStore, 'daySalt'>,
    private readonly clock: Clock,
    private readonly keepPreviousMs = 0,
  ) {}

  get(): Promise<Buffer> {
    const now = this.clock.now();
    const day = utcDay(now);
    if (this.current?.day !== day) {
      const dayStart = Date.parse(day);
      const held = this.current?.day === utcDay(dayStart - DAY_MS) ? this.current.salt : undefined;
      this.previous = held === undefined ? undefined : { until: dayStart + this.keepPreviousMs, salt: held };
      const salt = this.store.daySalt(day, randomBytes(32));
      // A failed read is retried by the next request rather than remembered.
      salt.catch(() => {
        if (this.current?.salt === salt) this.current = undefined;
      });
      this.current = { day, salt };
    }
    if (this.previous !== undefined && now >= this.previous.until) this.previous = undefined;
    return this.current.salt;
  }

  /** The previous day's salt while it is kept (see the constructor), read after get(). */
  heldPrevious(): Promise<Buffer | undefined> | undefined {
    return this.previous?.salt.catch(() => undefined);
  }
}
