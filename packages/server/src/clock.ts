/** Time comes from an injected clock so tests can stand on any day, including across midnight. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
