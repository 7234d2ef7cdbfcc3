/**
 * The per-day rollup collections kept in memory, the MongoDB store's own rollup writes
 * (store/mongo/rollups.ts) evaluated by mingo: filters by its query language, updates by its
 * update operators, upserts built as MongoDB builds them, and `upsertedIds` reported by position
 * as the driver reports them. An upsert's filter of plain equalities finds its document through a
 * map, as the unique index would. It checks the writes' logic, not MongoDB.
 */
import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query } from 'mingo/query';
import { update } from 'mingo/updater';
import type { FlagMany, UpsertOne } from '../../src/store/mongo/rollup-writes.js';
import type { RollupCollection } from '../../src/store/mongo/rollups.js';
import { runOnMingo } from './mingo-engine.js';

type Doc = Record<string, unknown>;

const context = Context.init({ query: queryOperators as never });

const isPlain = (value: unknown) => typeof value !== 'object' || value === null;
/** Null when the filter is more than plain equalities. */
const keyOf = (filter: Doc): string | null =>
  Object.values(filter).every(isPlain) ? JSON.stringify(Object.keys(filter).sort().map((key) => [key, filter[key]])) : null;

export class MingoRollupCollection implements RollupCollection {
  readonly documents: Doc[] = [];
  /** Keys of the fields upserts name, in the order they name them. */
  private readonly byKey = new Map<string, Doc>();
  private keyFields: string[] | undefined;
  /** Set by a test: the write at this many bulk writes from now fails after applying part of its operations. */
  failAfter: number | undefined;

  private matching(filter: Doc): Doc[] {
    const query = new Query(filter, { context });
    return this.documents.filter((doc) => query.test(doc));
  }

  private keyOfDocument(doc: Doc): string {
    return keyOf(Object.fromEntries(this.keyFields!.map((field) => [field, doc[field] ?? null])))!;
  }

  async bulkWrite(writes: UpsertOne[] | FlagMany[]): Promise<{ upsertedIds: Record<number, unknown> }> {
    const failing = this.failAfter === 0;
    if (this.failAfter !== undefined) this.failAfter--;
    const upsertedIds: Record<number, unknown> = {};
    for (const [index, write] of writes.entries()) {
      if (failing && index === Math.floor(writes.length / 2)) throw new Error('bulkWrite failed part-way (injected)');
      if ('updateMany' in write) {
        for (const doc of this.matching(write.updateMany.filter)) update(doc, write.updateMany.update as never, [], undefined, { queryOptions: { context } });
        continue;
      }
      const { filter, update: changes } = write.updateOne;
      this.keyFields ??= Object.keys(filter);
      const key = keyOf(filter);
      if (key === null) throw new Error('a rollup upsert filters by more than its key');
      const { $setOnInsert, ...operators } = structuredClone(changes);
      let doc = this.byKey.get(key);
      if (doc === undefined) {
        doc = { ...filter, ...($setOnInsert ?? {}) };
        this.documents.push(doc);
        this.byKey.set(key, doc);
        upsertedIds[index] = this.documents.length;
      }
      update(doc, operators as never, [], undefined, { queryOptions: { context } });
    }
    return { upsertedIds };
  }

  aggregate(pipeline: Array<Record<string, unknown>>): { toArray(): Promise<unknown[]> } {
    return { toArray: async () => runOnMingo(structuredClone(pipeline) as never, this.documents) };
  }

  async deleteMany(filter: Doc): Promise<void> {
    const doomed = new Set(this.matching(filter));
    const kept = this.documents.filter((doc) => !doomed.has(doc));
    this.documents.splice(0, this.documents.length, ...kept);
    if (this.keyFields !== undefined) for (const doc of doomed) this.byKey.delete(this.keyOfDocument(doc));
  }
}
