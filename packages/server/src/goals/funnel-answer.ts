/** A funnel request's funnel, and its steps' numbers as the funnel endpoint answers them. */
import { goalDisplayName, type FunnelResponse, type GoalDefinition } from '@sightline/shared';
import { InvalidQuery } from '../domain-errors.js';
import type { Definitions } from '../store/types.js';
import { conversionRate } from '../stats/metrics.js';

export interface ResolvedFunnel {
  id: number;
  name: string;
  steps: GoalDefinition[];
}

/** By name, or by id when the name is none of the site's funnels. */
export async function resolveFunnel(store: Pick<Definitions, 'listFunnels' | 'listGoals'>, site: string, nameOrId: string): Promise<ResolvedFunnel> {
  const funnels = await store.listFunnels(site);
  const funnel = funnels.find((candidate) => candidate.name === nameOrId) ?? funnels.find((candidate) => String(candidate.id) === nameOrId);
  if (funnel === undefined) throw new InvalidQuery(`site ${site} has no funnel "${nameOrId}"; its funnels: ${funnels.map((f) => f.name).join(', ') || 'none'}`);
  const goals = new Map((await store.listGoals(site)).map((goal) => [goal.id, goal]));
  const steps = funnel.steps.map((id) => goals.get(id));
  if (steps.some((goal) => goal === undefined)) throw new InvalidQuery(`a goal of the funnel "${funnel.name}" no longer exists; redefine the funnel`);
  return { id: funnel.id, name: funnel.name, steps: steps as GoalDefinition[] };
}

export function funnelSteps(steps: readonly GoalDefinition[], visitors: readonly number[]): FunnelResponse['steps'] {
  return steps.map((goal, i) => {
    const count = visitors[i] ?? 0;
    const previous = i === 0 ? count : (visitors[i - 1] ?? 0);
    const dropoff = previous - count;
    return {
      goal: goalDisplayName(goal),
      visitors: count,
      conversion_rate: conversionRate(count, visitors[0] ?? 0),
      conversion_rate_step: i === 0 ? (count === 0 ? 0 : 100) : conversionRate(count, previous),
      dropoff,
      dropoff_percentage: i === 0 ? 0 : conversionRate(dropoff, previous),
    };
  });
}
