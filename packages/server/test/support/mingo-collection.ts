/**
 * A collection kept in memory whose filters, sorts and updates are evaluated by mingo, so the
 * MongoDB accounts code runs its real queries against MongoDB's query language without a server.
 * Unique indexes are enforced as the driver reports them (error code 11000).
 */
import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query } from 'mingo/query';
import { updateOne } from 'mingo/updater';
import type { DocumentCollection } from '../../src/store/mongo/accounts.js';

type Doc = { _id: unknown };

/** Every query operator MongoDB has: the accounts code may use any of them. */
const context = Context.init({ query: queryOperators as never });

export class MingoCollection<D extends Doc> implements DocumentCollection<D> {
  readonly documents: D[] = [];
  private readonly unique: string[][] = [['_id']];
  /** Fields with a TTL index: what MongoDB would delete once their date passes. */
  readonly expiring: string[] = [];

  private matching(filter: Record<string, unknown>): D[] {
    const query = new Query(filter, { context });
    return this.documents.filter((doc) => query.test(doc));
  }

  async createIndex(spec: Record<string, 1 | -1>, options: { unique?: boolean; expireAfterSeconds?: number } = {}): Promise<string> {
    if (options.unique === true) this.unique.push(Object.keys(spec));
    if (options.expireAfterSeconds !== undefined) this.expiring.push(...Object.keys(spec));
    return Object.keys(spec).join('_');
  }

  async insertOne(document: D): Promise<unknown> {
    for (const fields of this.unique) {
      if (this.documents.some((doc) => fields.every((field) => (doc as Record<string, unknown>)[field] === (document as Record<string, unknown>)[field]))) {
        throw Object.assign(new Error(`E11000 duplicate key error on ${fields.join(', ')}`), { code: 11000 });
      }
    }
    this.documents.push(structuredClone(document));
    return { acknowledged: true };
  }

  async findOne(filter: Record<string, unknown>): Promise<D | null> {
    const [doc] = this.matching(filter);
    return doc === undefined ? null : structuredClone(doc);
  }

  find(filter: Record<string, unknown>, options: { sort: Record<string, 1 | -1> }): { toArray(): Promise<D[]> } {
    const cursor = new Query(filter, { context }).find<D>(this.documents as never).sort(options.sort);
    return { toArray: async () => structuredClone(cursor.all()) };
  }

  async updateOne(filter: Record<string, unknown>, update: { $set: Partial<D> }): Promise<{ matchedCount: number }> {
    const result = updateOne(this.documents as never, filter, update as never, {}, { context });
    return { matchedCount: result.matchedCount };
  }

  async deleteOne(filter: Record<string, unknown>): Promise<{ deletedCount: number }> {
    const [doc] = this.matching(filter);
    if (doc === undefined) return { deletedCount: 0 };
    this.documents.splice(this.documents.indexOf(doc), 1);
    return { deletedCount: 1 };
  }

  async deleteMany(filter: Record<string, unknown>): Promise<{ deletedCount: number }> {
    const doomed = new Set(this.matching(filter));
    const kept = this.documents.filter((doc) => !doomed.has(doc));
    this.documents.splice(0, this.documents.length, ...kept);
    return { deletedCount: doomed.size };
  }

  async findOneAndDelete(filter: Record<string, unknown>): Promise<D | null> {
    const [doc] = this.matching(filter);
    if (doc === undefined) return null;
    this.documents.splice(this.documents.indexOf(doc), 1);
    return doc;
  }

  async countDocuments(filter: Record<string, unknown>): Promise<number> {
    return this.matching(filter).length;
  }
}
