/**
 * What the MongoDB store needs of the server and of an existing database, checked at start-up
 * so a mismatch stops the server with the reason instead of failing later, one request at a time.
 */
import type { Connection } from 'mongoose';

/** Retention deletes events by time, which MongoDB allows on a time-series collection only from 7.0. */
export const MIN_SERVER_VERSION: readonly [number, number] = [7, 0];

export function serverVersionProblem(version: string): string | null {
  const [major = NaN, minor = NaN] = version.split('.').map(Number);
  const [needMajor, needMinor] = MIN_SERVER_VERSION;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return null;
  return `MongoDB ${version} is too old: Sightline needs ${needMajor}.${needMinor} or later (retention deletes events from a time-series collection by time, which MongoDB allows from 7.0)`;
}

/** The part of a listCollections entry the check reads. */
export interface CollectionInfo {
  type?: string;
  options?: { timeseries?: { timeField?: string; metaField?: string } };
}

/** Null when `events` is absent (it will be created) or is the time-series collection the store writes. */
export function eventsCollectionProblem(info: CollectionInfo | undefined): string | null {
  if (info === undefined) return null;
  const fix = 'rename or drop it, or name another database in MONGODB_URI';
  if (info.type !== 'timeseries') {
    return `the events collection exists but is not a time-series collection (it is ${info.type ?? 'of an unknown kind'}); Sightline stores events in a time-series collection with timeField ts and metaField meta: ${fix}`;
  }
  const { timeField, metaField } = info.options?.timeseries ?? {};
  if (timeField !== 'ts' || metaField !== 'meta') {
    return `the events collection is a time-series collection with timeField ${timeField ?? '(none)'} and metaField ${metaField ?? '(none)'}; Sightline needs timeField ts and metaField meta: ${fix}`;
  }
  return null;
}

/** Throws with every problem found, so one restart shows them all. */
export async function checkServer(connection: Connection): Promise<void> {
  const db = connection.db;
  if (db === undefined) throw new Error('not connected');
  const { version } = (await db.admin().command({ buildInfo: 1 })) as { version: string };
  const [events] = (await db.listCollections({ name: 'events' }).toArray()) as CollectionInfo[];
  const problems = [serverVersionProblem(version), eventsCollectionProblem(events)].filter((problem) => problem !== null);
  if (problems.length > 0) throw new Error(problems.join('; '));
}
