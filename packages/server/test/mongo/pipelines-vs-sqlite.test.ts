/**
 * Differential check of the MongoDB pipelines (run on mingo) against the embedded store, the
 * reference implementation: random events from a few sites, pages and visitors must give
 * identical summaries and all-time totals from both.
 */
import fc from 'fast-check';
import { PAGEVIEW } from '@sightline/shared';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { StoredEvent } from '../../src/store/types.js';
import { MingoPipelineStore } from '../support/mingo-store.js';

const DAY = 86_400_000;
const START = Date.parse('2026-11-01T00:00:00Z');

const eventArbitrary: fc.Arbitrary<StoredEvent> = fc.record({
  site: fc.constantFrom('a.example', 'b.example'),
  ts: fc.integer({ min: START, max: START + 10 * DAY }),
  name: fc.constantFrom(PAGEVIEW, PAGEVIEW, 'engagement', 'Signup'),
  path: fc.constantFrom('/', '/pricing', '/blog/$where', '/a.b', '/Ä'),
  hostname: fc.constant('a.example'),
  referrer: fc.constant(null),
  referrerSource: fc.constant(null),
  utmSource: fc.constant(null),
  utmMedium: fc.constant(null),
  utmCampaign: fc.constant(null),
  utmTerm: fc.constant(null),
  utmContent: fc.constant(null),
  browser: fc.constant('Chrome'),
  os: fc.constant('Linux'),
  device: fc.constant('desktop'),
  country: fc.constant(null),
  screenWidth: fc.constant(1440),
  visitorId: fc.integer({ min: 1, max: 12 }).map((n) => n * 2 ** 40),
  sessionId: fc.integer({ min: 1, max: 30 }),
  engagementMs: fc.constant(null),
  props: fc.constant({}),
});

describe('MongoDB pipelines on mingo agree with the embedded store', () => {
  it('for summary and allTime over random events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArbitrary, { maxLength: 60 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 5 }),
        async (events, fromDay, days, limit) => {
          const sqlite = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
          const mingo = new MingoPipelineStore();
          await sqlite.insertEvents(events);
          await mingo.insertEvents(events);
          for (const site of ['a.example', 'b.example', 'none.example']) {
            const request = { site, from: START + fromDay * DAY, to: START + (fromDay + days) * DAY, limit };
            expect(await mingo.summary(request)).toEqual(await sqlite.summary(request));
            expect(await mingo.allTime(site)).toEqual(await sqlite.allTime(site));
          }
          await sqlite.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
