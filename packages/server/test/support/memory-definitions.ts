/** Goals and funnels in plain arrays, for test stores that keep everything but events in memory. */
import type { Definitions, FunnelRecord, GoalRecord } from '../../src/store/types.js';

const byAge = <T extends { createdAt: number; id: number }>(a: T, b: T) => a.createdAt - b.createdAt || a.id - b.id;

export class MemoryDefinitions implements Definitions {
  private readonly goals: GoalRecord[] = [];
  private readonly funnels: FunnelRecord[] = [];

  async putGoal(goal: GoalRecord): Promise<GoalRecord> {
    const existing = this.goals.find((g) => g.site === goal.site && g.type === goal.type && g.value === goal.value);
    if (existing !== undefined) return { ...existing };
    this.goals.push({ ...goal });
    return { ...goal };
  }

  async listGoals(site: string): Promise<GoalRecord[]> {
    return this.goals.filter((goal) => goal.site === site).sort(byAge).map((goal) => ({ ...goal }));
  }

  async deleteGoal(site: string, id: number): Promise<boolean> {
    const index = this.goals.findIndex((goal) => goal.site === site && goal.id === id);
    if (index !== -1) this.goals.splice(index, 1);
    return index !== -1;
  }

  async putFunnel(funnel: FunnelRecord): Promise<FunnelRecord> {
    const existing = this.funnels.find((f) => f.site === funnel.site && f.name === funnel.name);
    if (existing !== undefined) {
      existing.steps = [...funnel.steps];
      return { ...existing, steps: [...existing.steps] };
    }
    this.funnels.push({ ...funnel, steps: [...funnel.steps] });
    return { ...funnel, steps: [...funnel.steps] };
  }

  async listFunnels(site: string): Promise<FunnelRecord[]> {
    return this.funnels.filter((funnel) => funnel.site === site).sort(byAge).map((funnel) => ({ ...funnel, steps: [...funnel.steps] }));
  }

  async deleteFunnel(site: string, id: number): Promise<boolean> {
    const index = this.funnels.findIndex((funnel) => funnel.site === site && funnel.id === id);
    if (index !== -1) this.funnels.splice(index, 1);
    return index !== -1;
  }

  deleteSite(site: string): void {
    for (const list of [this.goals, this.funnels] as Array<Array<{ site: string }>>) list.splice(0, list.length, ...list.filter((item) => item.site !== site));
  }
}
