/** The five-minute window behind /api/v1/stats/realtime/visitors, on both visit state adapters. */
import { ACTIVE_WINDOW_MS, countActive, markActive } from '../src/ingest/active-visitors.js';
import { MemoryVisitState } from '../src/visits/memory-visit-state.js';
import type { VisitState } from '../src/visits/types.js';
import { ManualClock } from './support/manual-clock.js';
import { connectedRedisVisits, redisAvailable } from './support/redis-url.js';

const withRedis = await redisAvailable();

const adapters: Array<[string, () => Promise<VisitState>]> = [['memory', async () => new MemoryVisitState(new ManualClock('2026-11-28T12:00:00Z'))]];
if (withRedis) adapters.push(['redis', () => connectedRedisVisits()]);

describe.each(adapters)('active visitors on the %s visit state', (_name, create) => {
  let visits: VisitState;
  const t0 = Date.parse('2026-11-28T12:00:00Z');

  beforeEach(async () => {
    visits = await create();
  });

  afterEach(async () => {
    await visits.close();
  });

  it('counts each visitor once, within the last five minutes only', async () => {
    await markActive(visits, 'a.example', 1, t0);
    await markActive(visits, 'a.example', 2, t0 + 60_000);
    await markActive(visits, 'a.example', 1, t0 + 120_000);
    await markActive(visits, 'b.example', 3, t0 + 120_000);
    expect(await countActive(visits, 'a.example', t0 + 120_000)).toBe(2);
    // Visitor 2 was last seen at t0 + 1 min: gone 5 min later; visitor 1 was seen again at t0 + 2 min.
    expect(await countActive(visits, 'a.example', t0 + 60_000 + ACTIVE_WINDOW_MS + 1)).toBe(1);
    expect(await countActive(visits, 'a.example', t0 + 120_000 + ACTIVE_WINDOW_MS + 1)).toBe(0);
    expect(await countActive(visits, 'b.example', t0 + 120_000)).toBe(1);
    expect(await countActive(visits, 'c.example', t0)).toBe(0);
  });

  it('forgets old sightings as new ones arrive', async () => {
    await markActive(visits, 'a.example', 1, t0);
    await markActive(visits, 'a.example', 2, t0 + ACTIVE_WINDOW_MS + 1);
    // Counting from long before: only what the window kept is left.
    expect(await visits.countSeen('active:a.example', 0)).toBe(1);
  });
});
