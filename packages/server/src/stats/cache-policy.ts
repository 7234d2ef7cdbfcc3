/**
 * How long a stats answer may be reused. A range that includes the present keeps changing,
 * so it is cached for seconds to stay real-time; a closed range in the past never changes.
 */
export const LIVE_TTL_MS = 5_000;
export const CLOSED_TTL_MS = 60 * 60 * 1000;

/**
 * A range that ended a moment ago is still live: events are stamped when they arrive and
 * committed just after, other instances' clocks differ a little, and a sliding range such as the
 * last 30 minutes ends at the instant it was resolved, which is already past when it is cached.
 */
const SETTLING_MS = 60_000;

export function ttlFor(rangeEnd: number, now: number): number {
  return rangeEnd > now - SETTLING_MS ? LIVE_TTL_MS : CLOSED_TTL_MS;
}
