/**
 * The goals and the funnel the benchmark's history is read with: what a site would define over
 * the history's pages and custom events (history/visit.ts), so the goal conversions and funnel
 * panels' reads have something to count. Defined in the store, as sightline goal add would.
 */
export const BENCH_GOALS = [
  { type: 'event', value: 'Signup' },
  { type: 'event', value: 'Download' },
  { type: 'page', value: '/' },
  { type: 'page', value: '/pricing' },
  { type: 'page', value: '/signup' },
  { type: 'page', value: '/blog/*' },
] as const;

/** Four steps, as the funnel target is set for. */
export const BENCH_FUNNEL = { name: 'Signup', steps: [2, 3, 4, 0] } as const;

interface DefinitionStore {
  putGoal(goal: { id: number; site: string; type: 'event' | 'page'; value: string; createdAt: number }): Promise<unknown>;
  putFunnel(funnel: { id: number; site: string; name: string; steps: number[]; createdAt: number }): Promise<unknown>;
}

export async function defineGoals(store: DefinitionStore, site: string): Promise<void> {
  for (const [i, goal] of BENCH_GOALS.entries()) await store.putGoal({ id: i + 1, site, ...goal, createdAt: i });
  await store.putFunnel({ id: 1, site, name: BENCH_FUNNEL.name, steps: BENCH_FUNNEL.steps.map((index) => index + 1), createdAt: 0 });
}
