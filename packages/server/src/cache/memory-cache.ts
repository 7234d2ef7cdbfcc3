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

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
