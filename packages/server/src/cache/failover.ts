/**
 * Keeps the server answering when Redis goes away: each call falls back to an in-process
 * stand-in. The answer cache and the visit state share one connection, so they share one
 * Failover, and an outage is logged once when it starts and once when it ends. Nothing restarts;
 * the Redis client reconnects by itself and the next successful call switches back.
 */
import type { Logger } from 'pino';

export class Failover {
  private down = false;

  constructor(
    private readonly logger: Logger,
    /** Named in the log lines. */
    private readonly primaryKind: string,
  ) {}

  async attempt<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      const result = await primary();
      if (this.down) {
        this.down = false;
        this.logger.info({ cache: this.primaryKind }, 'cache is reachable again');
      }
      return result;
    } catch (error) {
      if (!this.down) {
        this.down = true;
        this.logger.warn(
          { cache: this.primaryKind, reason: (error as Error).message },
          'cache unreachable; serving from the in-process fallback until it returns',
        );
      }
      return fallback();
    }
  }
}
