/**
 * Visit state with an in-process fallback while Redis is unreachable (see Failover). Visits
 * opened during an outage live on in this instance only, so one may be split in two when Redis returns.
 */
import type { Failover } from '../cache/failover.js';
import type { VisitState, VisitTouch } from './types.js';

export class ResilientVisitState implements VisitState {
  constructor(
    private readonly primary: VisitState,
    private readonly fallback: VisitState,
    private readonly failover: Failover,
  ) {}

  touchVisit(touch: VisitTouch) {
    return this.failover.attempt(
      () => this.primary.touchVisit(touch),
      () => this.fallback.touchVisit(touch),
    );
  }

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
