/** A small seeded generator (mulberry32), so a run's traffic and history can be reproduced exactly. */
export type Random = () => number;

export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export type Weighted<T> = ReadonlyArray<readonly [T, number]>;

/** `u` in [0, 1) picks an item with probability proportional to its weight. */
export function weighted<T>(items: Weighted<T>, u: number): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let left = u * total;
  for (const [item, weight] of items) {
    left -= weight;
    if (left < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** Index in [0, n) with a long tail, as page popularity has: a few pages get most views. */
export function skewedIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(n * random() ** 3));
}

/**
 * A 48-bit id from a few integers, the same on every run: what the server's keyed hashes give a
 * visitor (one id per day for anonymous ones, one for good for identified ones), without a salt.
 */
export function hashId(...parts: readonly number[]): number {
  let high = 0x9e3779b9;
  let low = 0x85ebca6b;
  for (const part of parts) {
    high = Math.imul(high ^ (part >>> 0), 0x85ebca6b);
    high ^= high >>> 13;
    low = Math.imul(low ^ Math.floor(part / 2 ** 32) ^ high, 0xc2b2ae35);
    low ^= low >>> 16;
    high = Math.imul(high ^ low, 0x27d4eb2f) ^ (high >>> 15);
  }
  return (high >>> 0) * 2 ** 16 + ((low >>> 0) & 0xffff);
}
