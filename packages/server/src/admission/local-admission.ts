/**
 * Admission one request after another through the rate limits and the visits, in process memory:
 * on a server without Redis, and while Redis is away.
 */
import { HttpError } from '../http/errors.js';
import type { RateLimits } from '../http/rate-limit.js';
import { markActive } from '../ingest/active-visitors.js';
import { visitTouch } from '../ingest/sessions.js';
import type { MemoryVisitState } from '../visits/memory-visit-state.js';
import type { Admission, AdmissionRequest, Verdict } from './types.js';

export class LocalAdmission implements Admission {
  constructor(
    private readonly limits: RateLimits,
    private readonly visits: MemoryVisitState,
  ) {}

  /** Each request's steps chain on its own, all started in order, so one address's requests count in order. */
  admit(requests: readonly AdmissionRequest[]): Promise<Verdict[]> {
    return Promise.all(requests.map((request) => this.one(request)));
  }

  private async one({ address, site, visit }: AdmissionRequest): Promise<Verdict> {
    try {
      // The address first: a request its address may not make must not use up the site's budget.
      await this.limits.ingestIp.take(address);
      if (site !== undefined) await this.limits.ingestSite.take(site);
    } catch (error) {
      if (error instanceof HttpError) return { refusal: error };
      throw error;
    }
    if (site === undefined || visit === undefined) return { visit: undefined };
    const kept = await this.visits.touchVisit(visitTouch(site, visit.visitor));
    await markActive(this.visits, site, kept.visitorId, visit.at);
    return { visit: kept };
  }
}
