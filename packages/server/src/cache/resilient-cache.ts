/**
 * Keeps the server answering when Redis goes away: every call falls back to the in-process
 * cache, the outage is logged once, and the recovery too. Nothing restarts; the Redis client
 * reconnects by itself and the next successful call switches back.
 */
import type { Logger } from 'pino';
import type { Cache } from './types.js';

export class ResilientCache implements Cache {
  private down = false;

  constructor(
    private readonly primary: Cache,
    private readonly fallback: Cache,
    private readonly logger: Logger,
  ) {}

  get kind() {
    return this.primary.kind;
  }

  /** True while calls are being served by the fallback. */
  get degraded(): boolean {
    return this.down;
  }

  private async attempt<T>(call: (cache: Cache) => Promise<T>): Promise<T> {
    try {
      const result = await call(this.primary);
      if (this.down) {
        this.down = false;
        this.logger.info({ cache: this.primary.kind }, 'cache is reachable again');
      }
      return result;
    } catch (error) {
      if (!this.down) {
        this.down = true;
        this.logger.warn(
          { cache: this.primary.kind, reason: (error as Error).message },
          'cache unreachable; serving from the in-process fallback until it returns',
        );
      }
      return call(this.fallback);
    }
  }

  get(key: string) {
    return this.attempt((cache) => cache.get(key));
  }

  set(key: string, value: string, ttlMs: number) {
    return this.attempt((cache) => cache.set(key, value, ttlMs));
  }

  touchSession(key: string, candidate: number, ttlMs: number) {
    return this.attempt((cache) => cache.touchSession(key, candidate, ttlMs));
  }

  markSeen(key: string, member: string, at: number, windowMs: number) {
    return this.attempt((cache) => cache.markSeen(key, member, at, windowMs));
  }

  countSeen(key: string, since: number) {
    return this.attempt((cache) => cache.countSeen(key, since));
  }

  /** Reports the primary's health, not the fallback's: readiness checks want the truth. */
  ping() {
    return this.primary.ping();
  }

  async close() {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}
