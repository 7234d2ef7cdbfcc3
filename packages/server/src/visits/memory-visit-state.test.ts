import { ManualClock } from '../../test/support/manual-clock.js';
import { MAX_VISIT_MS, SESSION_TIMEOUT_MS } from '../ingest/sessions.js';
import { MemoryVisitState } from './memory-visit-state.js';

describe('MemoryVisitState', () => {
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock('2026-12-01T12:00:00Z');
  });

  const touch = async (visits: MemoryVisitState, key: string, candidate: number, previousKey?: string) => {
    const visit = await visits.touchVisit({
      key,
      previousKey,
      candidate: { sessionId: candidate, visitorId: candidate * 10 },
      idleMs: SESSION_TIMEOUT_MS,
      maxMs: MAX_VISIT_MS,
    });
    return visit.sessionId;
  };

  it('keeps a visit while its visitor comes back within 30 minutes, and ends it after', async () => {
    const visits = new MemoryVisitState(clock);
    expect(await touch(visits, 'session:a', 1)).toBe(1);
    clock.advance(SESSION_TIMEOUT_MS - 1);
    expect(await touch(visits, 'session:a', 2)).toBe(1);
    clock.advance(SESSION_TIMEOUT_MS - 1);
    expect(await touch(visits, 'session:a', 3)).toBe(1);
    clock.advance(SESSION_TIMEOUT_MS + 1);
    expect(await touch(visits, 'session:a', 4)).toBe(4);
  });

  it('continues a visit after a gap of exactly 30:00, as only a gap over 30 minutes ends it', async () => {
    const visits = new MemoryVisitState(clock);
    expect(await touch(visits, 'session:a', 1)).toBe(1);
    clock.advance(SESSION_TIMEOUT_MS);
    expect(await touch(visits, 'session:a', 2)).toBe(1);
    // Sweeping, a second later, must not drop the visit either.
    clock.advance(1_000);
    expect(await touch(visits, 'session:a', 3)).toBe(1);
  });

  it('ends a visit a day after it began, however busy', async () => {
    const visits = new MemoryVisitState(clock);
    expect(await touch(visits, 'session:a', 1)).toBe(1);
    // An event every 20 minutes for exactly a day.
    for (let i = 0; i < MAX_VISIT_MS / (20 * 60_000); i++) {
      clock.advance(20 * 60_000);
      expect(await touch(visits, 'session:a', 2)).toBe(1);
    }
    clock.advance(20 * 60_000);
    expect(await touch(visits, 'session:a', 3)).toBe(3);
    clock.advance(1);
    expect(await touch(visits, 'session:a', 4)).toBe(3);
  });

  it('continues the visit kept under the previous key, with its visitor id, and keeps it under the new key', async () => {
    const visits = new MemoryVisitState(clock);
    await touch(visits, 'session:old', 1);
    clock.advance(10 * 60_000);
    const continued = await visits.touchVisit({
      key: 'session:new',
      previousKey: 'session:old',
      candidate: { sessionId: 2, visitorId: 20 },
      idleMs: SESSION_TIMEOUT_MS,
      maxMs: MAX_VISIT_MS,
    });
    expect(continued).toEqual({ sessionId: 1, visitorId: 10 });
    clock.advance(25 * 60_000);
    expect(await touch(visits, 'session:new', 3)).toBe(1);
    // A previous visit that has ended is not continued.
    clock.advance(SESSION_TIMEOUT_MS + 1);
    expect(await touch(visits, 'session:other', 4, 'session:new')).toBe(4);
  });

  it('keeps every open visit when full, turning new ones away until visits end', async () => {
    const visits = new MemoryVisitState(clock, 1_000);
    expect(await touch(visits, 'session:real', 7)).toBe(7);
    for (let i = 0; i < 5_000; i++) await touch(visits, `session:flood:${i}`, i);
    clock.advance(60_000);
    expect(await touch(visits, 'session:real', 8)).toBe(7);
    // Not remembered: each event of a newcomer is a visit of its own while the state is full.
    expect(await touch(visits, 'session:newcomer', 100)).toBe(100);
    expect(await touch(visits, 'session:newcomer', 101)).toBe(101);
    // The flood's visits end once 30 minutes have passed since their last event; the real one was touched since.
    clock.advance(SESSION_TIMEOUT_MS - 60_000 + 1);
    expect(await touch(visits, 'session:real', 9)).toBe(7);
    expect(await touch(visits, 'session:newcomer', 102)).toBe(102);
    expect(await touch(visits, 'session:newcomer', 103)).toBe(102);
  });

  it('keeps sightings when full, turning new members away until the window moves on', async () => {
    const visits = new MemoryVisitState(clock, 3);
    const t0 = clock.now();
    const window = 5 * 60_000;
    await visits.markSeen('active:a', '1', t0, window);
    await visits.markSeen('active:b', '2', t0, window);
    await visits.markSeen('active:b', '3', t0 + 1, window);
    await visits.markSeen('active:b', '4', t0 + 2, window);
    await visits.markSeen('active:a', '1', t0 + 3, window);
    expect(await visits.countSeen('active:a', t0)).toBe(1);
    expect(await visits.countSeen('active:b', t0)).toBe(2);
    // Site b's old sightings make room once they leave the window, though b itself is quiet.
    await visits.markSeen('active:a', '5', t0 + window + 1, window);
    expect(await visits.countSeen('active:a', t0 + 1)).toBe(2);
  });
});
