/** The SQLite store's write-ahead log is copied into the database by a worker, not by commits. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore } from '../src/store/types.js';
import { storedEvent } from './support/store-basics.js';

let dataDir: string;
let file: string;
let store: EventStore | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-checkpoint-'));
  file = path.join(dataDir, 'sightline.db');
});

afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Enough events to fill a few hundred pages of log, committed in the groups ingest makes. */
async function insertSomeEvents(target: EventStore): Promise<number> {
  let count = 0;
  for (let group = 0; group < 40; group++) {
    const events = Array.from({ length: 16 }, (_, i) =>
      storedEvent({ path: `/page/${group}/${i}`, visitorId: group * 16 + i, sessionId: 1_000_000 + group * 16 + i }),
    );
    await target.insertEvents(events);
    count += events.length;
  }
  return count;
}

it('copies committed events into the database file in the background, between commits', async () => {
  store = openSqliteStore({ file, synchronous: 'NORMAL', backgroundCheckpoints: true });
  const inserted = await insertSomeEvents(store);
  const sizeAfterCommits = statSync(file).size;
  // No commit happens from here on, so nothing but the worker can checkpoint.
  let size = sizeAfterCommits;
  for (let attempt = 0; attempt < 100 && size === sizeAfterCommits; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    size = statSync(file).size;
  }
  expect(size).toBeGreaterThan(sizeAfterCommits);
  expect(await store.countEvents('example.com')).toBe(inserted);
});

it('leaves every committed event in the database file once closed', async () => {
  store = openSqliteStore({ file, synchronous: 'FULL', backgroundCheckpoints: true });
  const inserted = await insertSomeEvents(store);
  await store.close();
  store = undefined;
  const db = new Database(file, { readonly: true });
  try {
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(inserted);
  } finally {
    db.close();
  }
});

it("empties yesterday's salt from every file even while the worker is checkpointing", async () => {
  store = openSqliteStore({ file, synchronous: 'NORMAL', backgroundCheckpoints: true });
  const yesterday = await store.daySalt('2026-11-28', Buffer.alloc(32, 7));
  // A log of some megabytes keeps the worker copying when the day turns.
  for (let round = 0; round < 10; round++) await insertSomeEvents(store);
  await store.daySalt('2026-11-29', Buffer.alloc(32, 9));
  for (const name of readdirSync(dataDir)) {
    expect({ name, found: readFileSync(path.join(dataDir, name)).includes(yesterday) }).toEqual({ name, found: false });
  }
});
