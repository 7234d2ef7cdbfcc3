/**
 * Admission in Redis with the in-process one standing in while Redis is unreachable or slow
 * (see Failover): the limits count per instance and visits open in this instance for a while.
 */
import type { Failover } from '../cache/failover.js';
import type { Admission, AdmissionRequest, Verdict } from './types.js';

export class ResilientAdmission implements Admission {
  constructor(
    private readonly primary: Admission,
    private readonly fallback: Admission,
    private readonly failover: Failover,
  ) {}

  admit(requests: readonly AdmissionRequest[]): Promise<Verdict[]> {
    return this.failover.attempt(
      () => this.primary.admit(requests),
      () => this.fallback.admit(requests),
    );
  }
}
