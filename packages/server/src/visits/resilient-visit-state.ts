/**
 * Visit state with an in-process fallback while Redis is unreachable (see Failover): sightings
 * made during an outage are counted by this instance only.
 */
import type { Failover } from '../cache/failover.js';
import type { VisitState } from './types.js';

export class ResilientVisitState implements VisitState {
  constructor(
    private readonly primary: VisitState,
    private readonly fallback: VisitState,
    private readonly failover: Failover,
  ) {}

  markSeen(key: string, member: string, at: number, windowMs: number) {
    return this.failover.attempt(
      () => this.primary.markSeen(key, member, at, windowMs),
      () => this.fallback.markSeen(key, member, at, windowMs),
    );
  }

  countSeen(key: string, since: number) {
    return this.failover.attempt(
      () => this.primary.countSeen(key, since),
      () => this.fallback.countSeen(key, since),
    );
  }

  async close() {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}
