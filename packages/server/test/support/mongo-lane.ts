/**
 * The real-MongoDB lane runs only when MONGODB_URI is set. Without it, it says loudly that it
 * skipped; with it set, an unreachable server fails the run (CI sets it, so CI cannot pass
 * without having run it). Each test file works in its own throwaway database.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { MongoStoreOptions } from '../../src/store/mongo/mongo-store.js';

export const MONGODB_URI = process.env.MONGODB_URI;

export async function mongoLaneAvailable(lane: string): Promise<boolean> {
  if (MONGODB_URI === undefined || MONGODB_URI === '') {
    console.warn(`skipped: MONGODB_URI not set, so ${lane} did not run against a real MongoDB`);
    return false;
  }
  const connection = mongoose.createConnection(MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  try {
    await connection.asPromise();
    await connection.db!.command({ ping: 1 });
    return true;
  } catch (error) {
    throw new Error(`MONGODB_URI is set but MongoDB does not answer (${(error as Error).message})`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Whether MONGODB_URI names a replica set, for the tests that need elections. A standalone server
 * skips them with the reason, except under CI=true, whose lane starts a replica set on purpose.
 */
export async function replicaSetAvailable(lane: string): Promise<boolean> {
  if (!(await mongoLaneAvailable(lane))) return false;
  const connection = mongoose.createConnection(MONGODB_URI!, { serverSelectionTimeoutMS: 5000 });
  try {
    await connection.asPromise();
    const hello = (await connection.db!.admin().command({ hello: 1 })) as { setName?: string };
    if (hello.setName !== undefined) return true;
    const reason = `MONGODB_URI names a standalone server, so ${lane} (which needs a replica set) did not run`;
    if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
    console.warn(`skipped: ${reason}`);
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** The store options the lane opens its stores with; deadlines long enough for a slow CI runner. */
export function laneStoreOptions(dbName: string, writeConcern: 'majority' | number = 'majority'): MongoStoreOptions {
  return { uri: MONGODB_URI!, writeConcern, writeTimeoutMs: 10_000, readTimeoutMs: 30_000, dbName };
}

export function throwawayDbName(): string {
  return `sightline_test_${randomBytes(6).toString('hex')}`;
}

export async function dropDatabase(dbName: string): Promise<void> {
  const connection = mongoose.createConnection(MONGODB_URI!, { dbName, serverSelectionTimeoutMS: 5000 });
  try {
    await connection.asPromise();
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}
