/**
 * The answer cache port: computed stats answers, kept for a while to be served again. Redis when
 * REDIS_URL is set, so every server instance shares them; a bounded in-process map otherwise.
 * Losing an entry only costs a recomputation, so implementations may drop entries to stay bounded.
 */
export interface ResponseCache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Resolves when the cache answers; rejects with the reason it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
