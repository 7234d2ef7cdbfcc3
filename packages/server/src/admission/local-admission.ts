/**
 * Admission one request after another through the rate limits and the visit state: in process
 * memory on a server without Redis and while Redis is away, or whatever limits and visit state
 * the app was built with.
 */
import { HttpError } from '../http/errors.js';
import type { RateLimits } from '../http/rate-limit.js';
import { markActive } from '../ingest/active-visitors.js';
import { assignVisit } from '../ingest/sessions.js';
import type { VisitState } from '../visits/types.js';
import type { Admission, AdmissionRequest, Verdict } from './types.js';

export class LocalAdmission implements Admission {
  constructor(
    private readonly limits: RateLimits,
    private readonly visits: VisitState,
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
    const kept = await assignVisit(this.visits, site, visit.visitor);
    // "Visitors right now" need not hold up the answer. Redis runs one connection's commands in
    // order, so a count asked for after this answer still sees the visitor.
    markActive(this.visits, site, kept.visitorId, visit.at).catch(() => undefined);
    return { visit: kept };
  }
}
