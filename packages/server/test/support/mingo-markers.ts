/**
 * The marker collections of the MongoDB store's repairs (store/mongo/dirty-days.ts and
 * site-rebuilds.ts) kept in memory, their filters and updates evaluated by mingo, an upsert built
 * as MongoDB builds one (the filter's equalities, then `$setOnInsert`, then the other operators,
 * with a fresh `_id`). It checks the markers' logic, not MongoDB.
 */
import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query } from 'mingo/query';
import { update } from 'mingo/updater';
import type { DirtyDayCollection, DirtyDayDocument, DirtyDayWrite } from '../../src/store/mongo/dirty-days.js';
import type { RebuildCollection, RebuildDocument } from '../../src/store/mongo/site-rebuilds.js';

type Doc = Record<string, unknown>;

const context = Context.init({ query: queryOperators as never });

/** A deep copy made in this realm, as in mingo-visits.ts: mingo compares Dates of one realm only. */
function clone<T>(value: T): T {
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as Date).getTime()) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clone(item)])) as T;
  return value;
}

const equality = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && '$eq' in value ? (value as { $eq: unknown }).$eq : value;

export class MingoMarkerCollection<D extends { _id: unknown }> {
  readonly documents: D[] = [];
  private ids = 0;
  /** Set by a test: every write fails, as with MongoDB unreachable. */
  down = false;

  private matching(filter: Doc): D[] {
    const query = new Query(clone(filter), { context });
    return this.documents.filter((doc) => query.test(doc as Doc));
  }

  private write(): void {
    if (this.down) throw new Error('the marker write failed (injected)');
  }

  private updateMatching(filter: Doc, changes: Doc, many: boolean, upsert: boolean, arrayFilters?: Doc[]): number {
    const { $setOnInsert, ...operators } = clone(changes);
    const found = this.matching(filter);
    for (const doc of many ? found : found.slice(0, 1)) {
      update(doc as Doc, operators as never, arrayFilters === undefined ? undefined : clone(arrayFilters), undefined, { queryOptions: { context } });
    }
    if (found.length === 0 && upsert) {
      const equalities = Object.entries(filter).filter(([key]) => !key.startsWith('$')).map(([key, value]) => [key, clone(equality(value))]);
      const created: Doc = { _id: `marker-${++this.ids}`, ...Object.fromEntries(equalities), ...(($setOnInsert as Doc | undefined) ?? {}) };
      update(created, operators as never, [], undefined, { queryOptions: { context } });
      this.documents.push(created as D);
    }
    return found.length;
  }

  async bulkWrite(writes: DirtyDayWrite[]): Promise<void> {
    this.write();
    for (const write of writes) {
      if ('updateOne' in write) {
        const { filter, update: changes, upsert, arrayFilters } = write.updateOne;
        this.updateMatching(filter, changes, false, upsert === true, arrayFilters);
      } else {
        await this.deleteOne(write.deleteOne.filter);
      }
    }
  }

  async updateOne(filter: Doc, changes: Doc, options?: { upsert: true }): Promise<{ matchedCount: number; upsertedCount: number }> {
    this.write();
    const matchedCount = this.updateMatching(filter, changes, false, options?.upsert === true);
    return { matchedCount, upsertedCount: matchedCount === 0 && options?.upsert === true ? 1 : 0 };
  }

  find(filter: Doc): { toArray(): Promise<D[]> } {
    const found = this.matching(filter);
    return { toArray: async () => clone(found) };
  }

  async deleteOne(filter: Doc): Promise<void> {
    this.write();
    const [doc] = this.matching(filter);
    if (doc !== undefined) this.documents.splice(this.documents.indexOf(doc), 1);
  }

  async deleteMany(filter: Doc): Promise<void> {
    this.write();
    const doomed = new Set(this.matching(filter));
    this.documents.splice(0, this.documents.length, ...this.documents.filter((doc) => !doomed.has(doc)));
  }
}

export const dirtyDayCollection = (): MingoMarkerCollection<DirtyDayDocument> & DirtyDayCollection => new MingoMarkerCollection<DirtyDayDocument>();
export const rebuildCollection = (): MingoMarkerCollection<RebuildDocument> & RebuildCollection => new MingoMarkerCollection<RebuildDocument>();
