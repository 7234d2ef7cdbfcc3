import { ManualClock } from '../../test/support/manual-clock.js';
import type { Clock } from '../clock.js';
import { HOT_MS, ReadThrough } from './cached.js';
import type { ResponseCache } from './types.js';

/** Stands in for Redis: keeps answers of any size until they expire, counting how often it is asked. */
class CountingCache implements ResponseCache {
  readonly kind = 'redis';
  reads = 0;
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  get(key: string): Promise<string | null> {
    this.reads++;
    const entry = this.entries.get(key);
    return Promise.resolve(entry !== undefined && entry.expiresAt > this.clock.now() ? entry.value : null);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('ReadThrough', () => {
  let clock: ManualClock;
  let shared: CountingCache;
  let cached: ReadThrough;
  let computed: number;
  const compute = (value: unknown) => async () => {
    computed++;
    return value;
  };

  beforeEach(() => {
    clock = new ManualClock('2026-11-30T12:00:00Z');
    shared = new CountingCache(clock);
    cached = new ReadThrough(shared, clock);
    computed = 0;
  });

  it('answers a repeated read from memory for up to a second, then from the shared cache again', async () => {
    expect(await cached.get('k', 60_000, compute({ n: 1 }))).toEqual({ body: '{"n":1}', hit: false });
    const readsAfterMiss = shared.reads;
    clock.advance(HOT_MS - 1);
    expect(await cached.get('k', 60_000, compute({ n: 2 }))).toEqual({ body: '{"n":1}', hit: true });
    expect(shared.reads).toBe(readsAfterMiss);

    clock.advance(1);
    await shared.set('k', '{"n":3}', 60_000);
    expect(await cached.get('k', 60_000, compute({ n: 4 }))).toEqual({ body: '{"n":3}', hit: true });
    expect(shared.reads).toBe(readsAfterMiss + 1);
    expect(computed).toBe(1);
  });

  it('never keeps an answer in memory longer than its own time to live', async () => {
    await cached.get('live', 300, compute('first'));
    clock.advance(300);
    expect(await cached.get('live', 300, compute('second'))).toEqual({ body: '"second"', hit: false });
  });

  it('drops the oldest answers once a few megabytes are held', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    await cached.get('a', 60_000, compute(big));
    await cached.get('b', 60_000, compute(big));
    await cached.get('c', 60_000, compute(big));
    const reads = shared.reads;
    await cached.get('c', 60_000, compute(null));
    expect(shared.reads).toBe(reads);
    await cached.get('a', 60_000, compute(null));
    expect(shared.reads).toBe(reads + 1);
    expect(computed).toBe(3);
  });
});
