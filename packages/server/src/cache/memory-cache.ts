/** The in-process cache: a bounded map with expiry, for a single server without Redis. */
import type { Clock } from '../clock.js';
import type { Cache } from './types.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Enough for every cached stats answer and every live session of a busy single instance. */
const DEFAULT_MAX_ENTRIES = 100_000;

export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  /** Sliding windows of sightings: key → member → when last seen. */
  private readonly windows = new Map<string, Map<string, number>>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, value: string, ttlMs: number): void {
    // Re-inserting moves the key to the end, so the map's order is least recently written first.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key)?.value ?? null);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.put(key, value, ttlMs);
    return Promise.resolve();
  }

  touchSession(key: string, candidate: number, ttlMs: number): Promise<number> {
    const existing = this.live(key);
    const id = existing === undefined ? candidate : Number(existing.value);
    this.put(key, String(id), ttlMs);
    return Promise.resolve(id);
  }

  markSeen(key: string, member: string, at: number, windowMs: number): Promise<void> {
    let window = this.windows.get(key);
    if (window === undefined) {
      window = new Map();
      this.windows.set(key, window);
    }
    window.delete(member);
    window.set(member, at);
    // Oldest sightings first (re-set members move to the end), so trimming stops at the first fresh one.
    for (const [seen, seenAt] of window) {
      if (seenAt >= at - windowMs) break;
      window.delete(seen);
    }
    return Promise.resolve();
  }

  countSeen(key: string, since: number): Promise<number> {
    let count = 0;
    for (const seenAt of this.windows.get(key)?.values() ?? []) if (seenAt >= since) count++;
    return Promise.resolve(count);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    this.windows.clear();
    return Promise.resolve();
  }
}
