/**
 * The secret of the current UTC day: 32 random bytes kept in the store, so every instance keys
 * its hashes alike, and destroyed when the day is over, so no hash made with it can be recomputed
 * afterwards, not even by someone holding the store, Redis and its append-only file.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EventStore } from '../store/types.js';

export class DaySalt {
  private current: { day: string; salt: Promise<Buffer> } | undefined;

  constructor(
    private readonly store: Pick<EventStore, 'daySalt'>,
    private readonly clock: Clock,
  ) {}

  get(): Promise<Buffer> {
    const day = new Date(this.clock.now()).toISOString().slice(0, 10);
    if (this.current?.day !== day) {
      const salt = this.store.daySalt(day, randomBytes(32));
      // A failed read is retried by the next request rather than remembered.
      salt.catch(() => {
        if (this.current?.salt === salt) this.current = undefined;
      });
      this.current = { day, salt };
    }
    return this.current.salt;
  }
}
