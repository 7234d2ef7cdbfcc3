/** The answer cache with an in-process fallback while Redis is unreachable (see Failover). */
import type { Failover } from './failover.js';
import type { ResponseCache } from './types.js';

export class ResilientCache implements ResponseCache {
  constructor(
    private readonly primary: ResponseCache,
    private readonly fallback: ResponseCache,
    private readonly failover: Failover,
  ) {}

  get kind() {
    return this.primary.kind;
  }

  get(key: string) {
    return this.failover.attempt(
      () => this.primary.get(key),
      () => this.fallback.get(key),
    );
  }

  set(key: string, value: string, ttlMs: number) {
    return this.failover.attempt(
      () => this.primary.set(key, value, ttlMs),
      () => this.fallback.set(key, value, ttlMs),
    );
  }

  /** Reports the primary's health, not the fallback's: readiness checks want the truth. */
  ping() {
    return this.primary.ping();
  }

  async close() {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}
