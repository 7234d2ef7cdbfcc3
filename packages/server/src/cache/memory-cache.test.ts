import { ManualClock } from '../../test/support/manual-clock.js';
import { MAX_ANSWER_BYTES, MemoryCache } from './memory-cache.js';

describe('MemoryCache', () => {
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock('2026-12-01T12:00:00Z');
  });

  it('holds at most its bound in bytes under many distinct large answers, dropping the least recently used', async () => {
    const maxBytes = 4 * 1024 * 1024;
    const cache = new MemoryCache(clock, maxBytes);
    // Half a megabyte of UTF-16 each: the bound holds seven or eight.
    const answer = (i: number) => `${i}`.padEnd(256 * 1024, 'x');
    for (let i = 0; i < 500; i++) {
      await cache.set(`stats:v1:timeseries:example.com:${i}`, answer(i), 60_000);
      if (i === 3) expect(await cache.get('stats:v1:timeseries:example.com:0')).toBe(answer(0));
      expect(cache.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(cache.bytes).toBeGreaterThan(maxBytes - 2 * 512 * 1024);
    expect(await cache.get('stats:v1:timeseries:example.com:0')).toBeNull();
    expect(await cache.get('stats:v1:timeseries:example.com:499')).toBe(answer(499));
  });

  it('counts two bytes a character, and the key and overhead too', async () => {
    const cache = new MemoryCache(clock);
    await cache.set('k', 'é'.repeat(1000), 60_000);
    expect(cache.bytes).toBeGreaterThan(2 * 1001);
    expect(cache.bytes).toBeLessThan(2 * 1001 + 1024);
  });

  it('does not store an answer over the size limit, and drops what was stored under its key', async () => {
    const cache = new MemoryCache(clock);
    await cache.set('big', 'small', 60_000);
    await cache.set('big', 'x'.repeat(MAX_ANSWER_BYTES / 2 + 1), 60_000);
    expect(await cache.get('big')).toBeNull();
    expect(cache.bytes).toBe(0);
    for (let i = 0; i < 100; i++) await cache.set(`big:${i}`, 'x'.repeat(MAX_ANSWER_BYTES), 60_000);
    expect(cache.bytes).toBe(0);
  });

  it('drops expired answers without their being read', async () => {
    const cache = new MemoryCache(clock);
    for (let i = 0; i < 1000; i++) await cache.set(`live:${i}`, 'y'.repeat(1000), 5_000);
    await cache.set('closed', 'z', 60 * 60 * 1000);
    const held = cache.bytes;
    expect(held).toBeGreaterThan(1000 * 2000);
    clock.advance(10_000);
    // Any call sweeps: the expired answers are gone though none of them was asked for.
    await cache.get('something else');
    expect(cache.bytes).toBeLessThan(1024);
    expect(await cache.get('closed')).toBe('z');
  });

  it('answers nothing once an entry has expired, even before a sweep', async () => {
    const cache = new MemoryCache(clock);
    await cache.set('k', 'v', 1_000);
    clock.advance(1_000);
    expect(await cache.get('k')).toBeNull();
    expect(cache.bytes).toBe(0);
  });

  it('stores nothing with a bound of zero', async () => {
    const cache = new MemoryCache(clock, 0);
    await cache.set('k', 'v', 60_000);
    expect(await cache.get('k')).toBeNull();
  });
});
