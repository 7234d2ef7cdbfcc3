/**
 * The visits and visit_spans collections kept in memory, the MongoDB store's own visit writes
 * (store/mongo/visits.ts) evaluated by mingo: filters by its query language, updates by its update
 * operators, and an upsert built as MongoDB builds one (the filter's plain equalities, then
 * `$setOnInsert`, then the other operators). It checks the writes' logic, not MongoDB.
 */
import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query } from 'mingo/query';
import { update } from 'mingo/updater';
import type { SpanCollection, SpanDocument, VisitCollection, VisitWrite } from '../../src/store/mongo/visits.js';
import type { VisitDocument } from '../../src/store/mongo/visit-writes.js';

type Doc = Record<string, unknown>;
type Update = Record<string, Record<string, unknown>>;

const context = Context.init({ query: queryOperators as never });

/**
 * A deep copy made in this realm: structuredClone's Dates and objects come from another realm
 * under Jest's module VM, and mingo's comparisons then take different dates for equal ones.
 */
function clone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clone(item)])) as T;
  }
  return value;
}

class MingoDocuments<D extends object> {
  readonly documents: D[] = [];

  /** A filter's plain `site` and `sessionId` narrow the documents mingo tests, as an index would. */
  matching(filter: Doc): D[] {
    const query = new Query(filter, { context });
    const keyed = (['site', 'sessionId'] as const).filter((key) => typeof filter[key] === 'string' || typeof filter[key] === 'number');
    const candidates = keyed.length === 0 ? this.documents : this.documents.filter((doc) => keyed.every((key) => (doc as Doc)[key] === filter[key]));
    return candidates.filter((doc) => query.test(doc as Doc));
  }

  updateOne(filter: Doc, changes: Update, upsert: boolean): void {
    const { $setOnInsert, ...operators } = changes;
    const [doc] = this.matching(filter);
    if (doc !== undefined) {
      update(doc as Doc, operators as never, [], undefined, { queryOptions: { context } });
    } else if (upsert) {
      const equalities = Object.entries(filter).filter(([key, value]) => !key.startsWith('$') && (typeof value !== 'object' || value === null));
      const created: Doc = { ...Object.fromEntries(equalities), ...clone($setOnInsert ?? {}) };
      update(created, operators as never, [], undefined, { queryOptions: { context } });
      this.documents.push(created as D);
    }
  }

  deleteMany(filter: Doc): number {
    const doomed = new Set(this.matching(filter));
    const kept = this.documents.filter((doc) => !doomed.has(doc));
    this.documents.splice(0, this.documents.length, ...kept);
    return doomed.size;
  }
}

export class MingoVisitCollection implements VisitCollection {
  private readonly store = new MingoDocuments<VisitDocument>();
  readonly documents = this.store.documents;

  async bulkWrite(writes: VisitWrite[]): Promise<void> {
    for (const write of writes) {
      if ('updateOne' in write) {
        this.store.updateOne(write.updateOne.filter, clone(write.updateOne.update), write.updateOne.upsert === true);
      } else if ('replaceOne' in write) {
        const [doc] = this.store.matching(write.replaceOne.filter);
        const replacement = clone(write.replaceOne.replacement);
        if (doc === undefined) this.documents.push(replacement);
        else this.documents.splice(this.documents.indexOf(doc), 1, replacement);
      } else {
        const [doc] = this.store.matching(write.deleteOne.filter);
        if (doc !== undefined) this.documents.splice(this.documents.indexOf(doc), 1);
      }
    }
  }

  find(filter: Doc): { toArray(): Promise<Array<Partial<VisitDocument>>> } {
    const found = this.store.matching(filter);
    return { toArray: async () => clone(found) };
  }

  async deleteMany(filter: Doc): Promise<void> {
    this.store.deleteMany(filter);
  }
}

export class MingoSpanCollection implements SpanCollection {
  private readonly store = new MingoDocuments<SpanDocument>();
  readonly documents = this.store.documents;

  async updateOne(filter: Doc, changes: { $max: { longestMs: number } }): Promise<void> {
    const [id] = Object.values(filter) as Array<{ $eq: string }>;
    this.store.updateOne({ _id: id!.$eq }, changes, true);
  }

  async deleteOne(filter: Doc): Promise<void> {
    this.store.deleteMany(filter);
  }
}
