/**
 * Read-through caching with one computation per key at a time: when many requests miss
 * together, the first computes and the rest wait for its answer.
 */
import type { Cache } from './types.js';

export class ReadThrough {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly cache: Cache) {}

  /** Returns the cached JSON text for `key`, computing and storing it on a miss. */
  async get(key: string, ttlMs: number, compute: () => Promise<unknown>): Promise<{ body: string; hit: boolean }> {
    const cached = await this.cache.get(key);
    if (cached !== null) return { body: cached, hit: true };
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = compute()
        .then(async (value) => {
          const body = JSON.stringify(value);
          await this.cache.set(key, body, ttlMs);
          return body;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return { body: await pending, hit: false };
  }
}
