/**
 * Read-through caching with one computation per key at a time: when many requests miss
 * together, the first computes and the rest wait for its answer.
 *
 * Answers read in the last second are also kept in process memory: a dashboard opened by many
 * people, or a script polling the API, is then answered without a Redis round trip, which was
 * most of the time of a cached answer. An answer can so outlive its shared entry by at most
 * HOT_MS, a bound far below what any cached stats answer already tolerates (seconds for a live
 * range, an hour for a closed one).
 */
import type { Clock } from '../clock.js';
import type { ResponseCache } from './types.js';

export const HOT_MS = 1_000;

/** Characters of JSON text kept in memory (a few megabytes); past that the oldest answers go first. */
const HOT_MAX_CHARS = 8 * 1024 * 1024;

interface HotAnswer {
  body: string;
  expiresAt: number;
}

export class ReadThrough {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly hot = new Map<string, HotAnswer>();
  private hotChars = 0;

  constructor(
    private readonly cache: ResponseCache,
    private readonly clock: Clock,
  ) {}

  /** Returns the cached JSON text for `key`, computing and storing it on a miss. */
  async get(key: string, ttlMs: number, compute: () => Promise<unknown>): Promise<{ body: string; hit: boolean }> {
    const hot = this.hotAnswer(key);
    if (hot !== undefined) return { body: hot, hit: true };
    const cached = await this.cache.get(key);
    if (cached !== null) {
      this.keep(key, cached, ttlMs);
      return { body: cached, hit: true };
    }
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = compute()
        .then(async (value) => {
          const body = JSON.stringify(value);
          await this.cache.set(key, body, ttlMs);
          this.keep(key, body, ttlMs);
          return body;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return { body: await pending, hit: false };
  }

  private hotAnswer(key: string): string | undefined {
    const entry = this.hot.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.clock.now()) return entry.body;
    this.forget(key, entry);
    return undefined;
  }

  private keep(key: string, body: string, ttlMs: number): void {
    const previous = this.hot.get(key);
    if (previous !== undefined) this.forget(key, previous);
    if (body.length > HOT_MAX_CHARS) return;
    this.hot.set(key, { body, expiresAt: this.clock.now() + Math.min(ttlMs, HOT_MS) });
    this.hotChars += body.length;
    // A Map iterates in insertion order: the first entries are the oldest.
    for (const [oldKey, oldEntry] of this.hot) {
      if (this.hotChars <= HOT_MAX_CHARS) break;
      this.forget(oldKey, oldEntry);
    }
  }

  private forget(key: string, entry: HotAnswer): void {
    this.hot.delete(key);
    this.hotChars -= entry.body.length;
  }
}
