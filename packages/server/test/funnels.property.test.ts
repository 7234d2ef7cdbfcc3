/**
 * Funnels against a plain model over random visits: steps out of order, repeated, split across
 * two visits of one visitor, events sharing a timestamp, ranges that cut visits, and visit and
 * event filters. The model checks each step as a subsequence of a visit's passing events, not by
 * the stores' single pass, so the two are independent ways to the same count.
 */
import fc from 'fast-check';
import { PAGEVIEW, type GoalDefinition } from '@sightline/shared';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore, Filter, StoredEvent, TimeRange } from '../src/store/types.js';
import { MingoPipelineStore } from './support/mingo-store.js';
import { storedEvent } from './support/store-basics.js';

const SITE = 'funnels.example';
const START = Date.parse('2026-11-28T00:00:00Z');
const ACTIONS = ['/', '/pricing', '/blog/a', '/blog/b', '/other', 'Signup', 'Download'] as const;
const GOALS: GoalDefinition[] = [
  { type: 'page', value: '/' },
  { type: 'page', value: '/pricing' },
  { type: 'page', value: '/blog/*' },
  { type: 'event', value: 'Signup' },
  { type: 'event', value: 'Download' },
];
const SOURCES = ['Google', 'Bing', null] as const;

interface Session {
  visitor: number;
  source: (typeof SOURCES)[number];
  /** Gaps in seconds before each event (0: the same instant as the one before) and what it is. */
  events: Array<{ gap: number; action: (typeof ACTIONS)[number] }>;
}

const sessionArb = fc.record({
  visitor: fc.integer({ min: 1, max: 5 }),
  source: fc.constantFrom(...SOURCES),
  events: fc.array(fc.record({ gap: fc.constantFrom(0, 1, 30), action: fc.constantFrom(...ACTIONS) }), { minLength: 1, maxLength: 8 }),
});

function toEvents(sessions: readonly Session[]): StoredEvent[] {
  const events: StoredEvent[] = [];
  sessions.forEach((session, index) => {
    // Sessions start an hour apart; a visitor with two sessions has two visits.
    let ts = START + index * 3_600_000;
    for (const { gap, action } of session.events) {
      ts += gap * 1000;
      events.push(
        storedEvent({
          site: SITE,
          hostname: SITE,
          ts,
          visitorId: session.visitor,
          sessionId: index + 1,
          referrerSource: session.source,
          ...(action.startsWith('/') ? { path: action } : { name: action, path: '/' }),
        }),
      );
    }
  });
  return events;
}

const matches = (goal: GoalDefinition, event: StoredEvent) =>
  goal.type === 'event' ? event.name === goal.value : event.name === PAGEVIEW && new RegExp(`^${goal.value.replace('*', '.*')}$`).test(event.path);

const isSubsequence = (steps: readonly GoalDefinition[], events: readonly StoredEvent[]) => {
  let next = 0;
  for (const event of events) if (next < steps.length && matches(steps[next]!, event)) next++;
  return next === steps.length;
};

/** Visitors per step: a visitor counts at step n when one visit holds steps 1..n in order. */
function model(events: readonly StoredEvent[], steps: readonly GoalDefinition[], range: TimeRange, source: string | undefined, skipOther: boolean): number[] {
  const visits = new Map<number, StoredEvent[]>();
  for (const event of events) {
    if (event.ts < range.from || event.ts >= range.to) continue;
    visits.set(event.sessionId, [...(visits.get(event.sessionId) ?? []), event]);
  }
  const reached = new Map<number, Set<number>>();
  for (const visit of visits.values()) {
    if (source !== undefined && visit[0]!.referrerSource !== source) continue;
    const passing = visit.filter((event) => !(skipOther && event.path === '/other'));
    for (let n = 1; n <= steps.length; n++) {
      if (isSubsequence(steps.slice(0, n), passing)) reached.set(n, (reached.get(n) ?? new Set()).add(visit[0]!.visitorId));
    }
  }
  return steps.map((_step, i) => reached.get(i + 1)?.size ?? 0);
}

const stepsArb = fc.shuffledSubarray(GOALS, { minLength: 2, maxLength: 4 });

async function check(create: () => EventStore | Promise<EventStore>, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(sessionArb, { minLength: 1, maxLength: 12 }),
      stepsArb,
      fc.option(fc.constantFrom('Google', 'Bing'), { nil: undefined }),
      fc.boolean(),
      fc.integer({ min: 0, max: 12 * 60 }),
      fc.integer({ min: 1, max: 13 * 60 }),
      async (sessions, steps, source, skipOther, fromMinute, minutes) => {
        const store = await create();
        try {
          await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: 0 });
          const events = toEvents(sessions);
          await store.insertEvents(events);
          const range = { from: START + fromMinute * 60_000 + 15_000, to: START + (fromMinute + minutes) * 60_000 + 15_000 };
          const filters: Filter[] = [];
          if (source !== undefined) filters.push({ property: { scope: 'visit', field: 'source' }, match: 'exact', values: [source], negated: false });
          if (skipOther) filters.push({ property: { scope: 'event', field: 'page' }, match: 'exact', values: ['/other'], negated: true });
          const answer = await store.funnel({ site: SITE, range, filters, steps });
          expect(answer).toEqual(model(events, steps, range, source, skipOther));
        } finally {
          await store.close();
        }
      },
    ),
    { numRuns: runs },
  );
}

describe('funnels against a model', () => {
  it('SQLite answers as the model does', async () => {
    await check(() => openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' }), 150);
  });

  it('the MongoDB pipelines on mingo answer as the model does', async () => {
    await check(() => new MingoPipelineStore(), 100);
  });
});
