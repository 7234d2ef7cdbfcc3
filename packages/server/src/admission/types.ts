/**
 * The admission port: for a group of ingest requests at once, whether each may go on under the
 * per-address and per-site limits and, for an event that is kept, which visit it belongs to.
 * Redis when REDIS_URL is set (one script per group, shared by every instance), in process
 * memory otherwise; both give the answers the limits and the visit state give one at a time.
 */
import type { HttpError } from '../http/errors.js';
import type { VisitorIdentity } from '../ingest/visitor-id.js';
import type { Visit } from '../visits/types.js';

export interface AdmissionRequest {
  /** The client's address as the limits count it (address-key.ts). */
  address: string;
  /** Counted only once the address is admitted; absent when the request failed before naming a known site. */
  site?: string | undefined;
  /** For an event that is kept: its visitor, whose visit it continues or opens, seen at `at` on the site. */
  visit?: { visitor: VisitorIdentity; at: number } | undefined;
}

/** Admitted (with the visit when one was asked for), or refused with the 429 to answer. */
export type Verdict = { refusal: HttpError; visit?: undefined } | { refusal?: undefined; visit: Visit | undefined };

export interface Admission {
  /** One verdict per request, in order; requests of one address or visitor are decided in order too. */
  admit(requests: readonly AdmissionRequest[]): Promise<Verdict[]>;
}
