import { visitTouch } from './sessions.js';

describe('visitTouch', () => {
  it('draws session ids over all 53 bits a number holds exactly', () => {
    const ids = Array.from({ length: 2_000 }, () => visitTouch('example.com', { id: 1 }).candidate.sessionId);
    for (const id of ids) {
      expect(Number.isSafeInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(0);
    }
    // Each id is at least 2^48 with probability 31/32: 2,000 draws all below it would mean 48 bits.
    expect(ids.filter((id) => id >= 2 ** 48).length).toBeGreaterThan(1_800);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
