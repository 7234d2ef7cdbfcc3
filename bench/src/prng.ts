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

/** Index in [0, n) with a long tail, as page popularity has: a few pages get most views. */
export function skewedIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(n * random() ** 3));
}
