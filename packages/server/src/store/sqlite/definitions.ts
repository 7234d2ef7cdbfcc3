/** Goals and funnels in the SQLite store. */
import type Database from 'better-sqlite3';
import type { GoalType } from '@sightline/shared';
import type { FunnelRecord, GoalRecord } from '../types.js';

interface GoalRow {
  id: number;
  site: string;
  kind: string;
  value: string;
  created_at: number;
}

interface FunnelRow {
  id: number;
  site: string;
  name: string;
  steps: string;
  created_at: number;
}

const toGoal = (row: GoalRow): GoalRecord => ({ id: row.id, site: row.site, type: row.kind as GoalType, value: row.value, createdAt: row.created_at });
const toFunnel = (row: FunnelRow): FunnelRecord => ({
  id: row.id,
  site: row.site,
  name: row.name,
  steps: JSON.parse(row.steps) as number[],
  createdAt: row.created_at,
});

export class SqliteDefinitions {
  private readonly insertGoal;
  private readonly selectGoal;
  private readonly selectGoals;
  private readonly deleteGoalRow;
  private readonly upsertFunnel;
  private readonly selectFunnels;
  private readonly deleteFunnelRow;
  private readonly deleteAllGoals;
  private readonly deleteAllFunnels;

  constructor(db: Database.Database) {
    this.insertGoal = db.prepare('INSERT INTO goals (id, site, kind, value, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, kind, value) DO NOTHING');
    this.selectGoal = db.prepare<[string, string, string], GoalRow>('SELECT * FROM goals WHERE site = ? AND kind = ? AND value = ?');
    this.selectGoals = db.prepare<[string], GoalRow>('SELECT * FROM goals WHERE site = ? ORDER BY created_at, id');
    this.deleteGoalRow = db.prepare('DELETE FROM goals WHERE site = ? AND id = ?');
    this.upsertFunnel = db.prepare<[number, string, string, string, number], FunnelRow>(`INSERT INTO funnels (id, site, name, steps, created_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (site, name) DO UPDATE SET steps = excluded.steps RETURNING *`);
    this.selectFunnels = db.prepare<[string], FunnelRow>('SELECT * FROM funnels WHERE site = ? ORDER BY created_at, id');
    this.deleteFunnelRow = db.prepare('DELETE FROM funnels WHERE site = ? AND id = ?');
    this.deleteAllGoals = db.prepare('DELETE FROM goals WHERE site = ?');
    this.deleteAllFunnels = db.prepare('DELETE FROM funnels WHERE site = ?');
  }

  putGoal(goal: GoalRecord): GoalRecord {
    this.insertGoal.run(goal.id, goal.site, goal.type, goal.value, goal.createdAt);
    return toGoal(this.selectGoal.get(goal.site, goal.type, goal.value)!);
  }

  listGoals(site: string): GoalRecord[] {
    return this.selectGoals.all(site).map(toGoal);
  }

  deleteGoal(site: string, id: number): boolean {
    return this.deleteGoalRow.run(site, id).changes === 1;
  }

  putFunnel(funnel: FunnelRecord): FunnelRecord {
    return toFunnel(this.upsertFunnel.get(funnel.id, funnel.site, funnel.name, JSON.stringify(funnel.steps), funnel.createdAt)!);
  }

  listFunnels(site: string): FunnelRecord[] {
    return this.selectFunnels.all(site).map(toFunnel);
  }

  deleteFunnel(site: string, id: number): boolean {
    return this.deleteFunnelRow.run(site, id).changes === 1;
  }

  /** Within the caller's transaction that deletes the site. */
  deleteSite(site: string): void {
    this.deleteAllGoals.run(site);
    this.deleteAllFunnels.run(site);
  }
}
