/**
 * Goals and funnels in MongoDB: two ordinary collections, reached through the few collection
 * methods below. A unique index per site makes putting the same goal, or a funnel of the same
 * name, an update of the one document rather than a second one.
 */
import type { GoalType } from '@sightline/shared';
import type { FunnelRecord, GoalRecord } from '../types.js';

type Query = Record<string, unknown>;

/** The part of a driver collection the definitions use. */
export interface DefinitionCollection<D> {
  createIndex(spec: Record<string, 1 | -1>, options?: { unique?: boolean }): Promise<unknown>;
  findOneAndUpdate(filter: Query, update: Query, options: { upsert: true; returnDocument: 'after' }): Promise<D | null>;
  find(filter: Query, options: { sort: Record<string, 1 | -1> }): { toArray(): Promise<D[]> };
  deleteOne(filter: Query): Promise<{ deletedCount: number }>;
  deleteMany(filter: Query): Promise<unknown>;
}

export interface GoalDocument {
  _id: number;
  site: string;
  type: GoalType;
  value: string;
  createdAt: Date;
}

export interface FunnelDocument {
  _id: number;
  site: string;
  name: string;
  steps: number[];
  createdAt: Date;
}

export const DEFINITION_COLLECTIONS = { goals: 'goals', funnels: 'funnels' } as const;

const toGoal = (doc: GoalDocument): GoalRecord => ({ id: doc._id, site: doc.site, type: doc.type, value: doc.value, createdAt: doc.createdAt.getTime() });
const toFunnel = (doc: FunnelDocument): FunnelRecord => ({
  id: doc._id,
  site: doc.site,
  name: doc.name,
  steps: [...doc.steps],
  createdAt: doc.createdAt.getTime(),
});

export class MongoDefinitions {
  constructor(
    private readonly goals: DefinitionCollection<GoalDocument>,
    private readonly funnels: DefinitionCollection<FunnelDocument>,
  ) {}

  async ensureIndexes(): Promise<void> {
    await this.goals.createIndex({ site: 1, type: 1, value: 1 }, { unique: true });
    await this.goals.createIndex({ site: 1, createdAt: 1, _id: 1 });
    await this.funnels.createIndex({ site: 1, name: 1 }, { unique: true });
    await this.funnels.createIndex({ site: 1, createdAt: 1, _id: 1 });
  }

  async putGoal(goal: GoalRecord): Promise<GoalRecord> {
    const stored = await this.goals.findOneAndUpdate(
      { site: { $eq: goal.site }, type: { $eq: goal.type }, value: { $eq: goal.value } },
      { $setOnInsert: { _id: goal.id, createdAt: new Date(goal.createdAt) } },
      { upsert: true, returnDocument: 'after' },
    );
    return toGoal(stored!);
  }

  async listGoals(site: string): Promise<GoalRecord[]> {
    return (await this.goals.find({ site: { $eq: site } }, { sort: { createdAt: 1, _id: 1 } }).toArray()).map(toGoal);
  }

  async deleteGoal(site: string, id: number): Promise<boolean> {
    return (await this.goals.deleteOne({ site: { $eq: site }, _id: { $eq: id } })).deletedCount === 1;
  }

  async putFunnel(funnel: FunnelRecord): Promise<FunnelRecord> {
    const stored = await this.funnels.findOneAndUpdate(
      { site: { $eq: funnel.site }, name: { $eq: funnel.name } },
      { $set: { steps: funnel.steps }, $setOnInsert: { _id: funnel.id, createdAt: new Date(funnel.createdAt) } },
      { upsert: true, returnDocument: 'after' },
    );
    return toFunnel(stored!);
  }

  async listFunnels(site: string): Promise<FunnelRecord[]> {
    return (await this.funnels.find({ site: { $eq: site } }, { sort: { createdAt: 1, _id: 1 } }).toArray()).map(toFunnel);
  }

  async deleteFunnel(site: string, id: number): Promise<boolean> {
    return (await this.funnels.deleteOne({ site: { $eq: site }, _id: { $eq: id } })).deletedCount === 1;
  }

  async deleteSite(site: string): Promise<void> {
    await this.goals.deleteMany({ site: { $eq: site } });
    await this.funnels.deleteMany({ site: { $eq: site } });
  }
}
