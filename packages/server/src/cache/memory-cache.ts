/**
 * The in-process answer cache, for a single server without Redis and for any server while Redis
 * is down. Bounded in bytes, not entries: answers range from a few hundred bytes to megabytes
 * (a minute timeseries of a month), so a count of entries bounds nothing. Past the bound the least
 * recently used answers go first; expired ones are swept out whichever key is asked for.
 */
import type { Clock } from '../clock.js';
import type { ResponseCache } from './types.js';

/** Thousands of typical answers (a few KB each) and a few dozen of the largest. */
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** A larger answer is recomputed each time rather than taking a thirty-second of the default bound. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * An entry's cost besides its characters: the map slot, the entry object and both strings'
 * headers. Measured at about 190 bytes on Node 20 (200,000 entries, heap used after a full GC).
 */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * How often a call scans for expired answers. A scan of the most entries the default bound
 * allows (about 80,000 of the smallest) takes a few milliseconds; live answers expire after 5 s.
 */
const SWEEP_INTERVAL_MS = 5_000;

/** JavaScript strings are UTF-16: two bytes a character at most, which V8 never exceeds. */
const bytesOf = (key: string, value: string) => (key.length + value.length) * 2 + ENTRY_OVERHEAD_BYTES;

interface Entry {
  value: string;
  expiresAt: number;
  bytes: number;
}

export class MemoryCache implements ResponseCache {
  readonly kind = 'memory';
  /** Least recently used first: reads and writes move a key to the end. */
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private nextSweepAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {
    this.nextSweepAt = clock.now() + SWEEP_INTERVAL_MS;
  }

  /** What the entries held now count against the bound. */
  get bytes(): number {
    return this.held;
  }

  get(key: string): Promise<string | null> {
    const now = this.clock.now();
    this.sweep(now);
    const entry = this.entries.get(key);
    if (entry === undefined) return Promise.resolve(null);
    this.entries.delete(key);
    if (entry.expiresAt <= now) {
      this.held -= entry.bytes;
      return Promise.resolve(null);
    }
    this.entries.set(key, entry);
    return Promise.resolve(entry.value);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    const now = this.clock.now();
    this.sweep(now);
    this.remove(key);
    const bytes = bytesOf(key, value);
    if (value.length * 2 > MAX_ANSWER_BYTES || bytes > this.maxBytes) return Promise.resolve();
    this.entries.set(key, { value, expiresAt: now + ttlMs, bytes });
    this.held += bytes;
    for (const oldest of this.entries.keys()) {
      if (this.held <= this.maxBytes) break;
      this.remove(oldest);
    }
    return Promise.resolve();
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.held -= entry.bytes;
  }

  private sweep(now: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.remove(key);
    }
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    this.held = 0;
    return Promise.resolve();
  }
}
