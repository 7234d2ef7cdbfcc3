import { CLOSED_TTL_MS, LIVE_TTL_MS, ttlFor } from './cache-policy.js';

describe('ttlFor', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');

  it('keeps a range that includes now for seconds', () => {
    expect(ttlFor(now + 3_600_000, now)).toBe(LIVE_TTL_MS);
  });

  it('keeps a sliding range live although it ended the instant it was resolved', () => {
    // The last 30 minutes end at resolution time + 1 ms; caching happens a few ms later.
    expect(ttlFor(now + 1, now + 25)).toBe(LIVE_TTL_MS);
  });

  it('keeps a range that ended well in the past for long', () => {
    expect(ttlFor(now - 5 * 60_000, now)).toBe(CLOSED_TTL_MS);
  });
});
