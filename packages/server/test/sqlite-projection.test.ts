/**
 * Visits and rollups follow the events in transactions of their own (store/sqlite/projection.ts).
 * No read may miss an acknowledged event: not after a crash left events unfolded, not when two
 * processes share the file, and not when a deletion let SQLite hand out an id again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventStore, StoredEvent } from '../src/store/types.js';
import { requireBuild, SERVER_DIST } from './support/server-process.js';
import { storedEvent } from './support/store-basics.js';

const SITE = 'folded.example';
const OTHER = 'other.example';
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2);

const visitEvents = (site: string, first: number, count: number): StoredEvent[] =>
  Array.from({ length: count }, (_, i) =>
    storedEvent({ site, hostname: site, ts: START + (first + i) * 60_000, visitorId: first + i, sessionId: first + i, country: 'DE' }),
  );

async function counted(store: EventStore, site = SITE): Promise<{ visitors: number; visits: number; pageviews: number; countries: unknown }> {
  const range = { from: START, to: START + DAY };
  const { visitors, visits, pageviews } = await store.aggregate({ site, range, filters: [] });
  const rows = await store.breakdown({ site, range, filters: [], property: { scope: 'visit', field: 'country' } });
  return { visitors, visits, pageviews, countries: rows.map((row) => [row.value, row.measures.visits]) };
}

describe('the SQLite projection of events into visits and rollups', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sightline-projection-'));
    file = path.join(dir, 'stats.db');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const unfolded = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT (SELECT MAX(id) FROM events) - last_event_id FROM projection').pluck().get() as number;
    } finally {
      db.close();
    }
  };

  it('answers every committed event at once, though they are folded in a moment later', async () => {
    const store = openSqliteStore({ file, synchronous: 'NORMAL' });
    try {
      await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
      await store.insertEvents(visitEvents(SITE, 0, 5));
      expect(unfolded()).toBe(5);
      expect(await counted(store)).toEqual({ visitors: 5, visits: 5, pageviews: 5, countries: [['DE', 5]] });
      expect(unfolded()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('folds in, at the next start, the events of a process that stopped before it could', () => {
    requireBuild();
    // A process that commits events and ends before its store folds them in: a crash, as far as they are concerned.
    const crashed = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { openSqliteStore } = await import(${JSON.stringify(pathToFileURL(path.join(SERVER_DIST, 'store/sqlite/sqlite-store.js')).href)});
      const store = openSqliteStore({ file: ${JSON.stringify(file)}, synchronous: 'FULL' });
      await store.createSite({ domain: '${SITE}', timezone: 'UTC', createdAt: ${START} });
      await store.insertEvents(${JSON.stringify(visitEvents(SITE, 0, 7))});
      process.exit(0);
    `], { encoding: 'utf8', timeout: 20_000 });
    expect(crashed.stderr).toBe('');
    expect(unfolded()).toBe(7);
    return (async () => {
      const restarted = openSqliteStore({ file, synchronous: 'NORMAL' });
      try {
        expect(unfolded()).toBe(0);
        expect(await counted(restarted)).toEqual({ visitors: 7, visits: 7, pageviews: 7, countries: [['DE', 7]] });
      } finally {
        await restarted.close();
      }
    })();
  });

  it('counts events once when a second process on the file folds in what the first committed', async () => {
    const server = openSqliteStore({ file, synchronous: 'NORMAL' });
    try {
      await server.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
      await server.insertEvents(visitEvents(SITE, 0, 4));
      // The CLI opens the file while the server's events wait to be folded in, and folds them in.
      const cli = openSqliteStore({ file, synchronous: 'NORMAL' });
      expect(await counted(cli)).toEqual({ visitors: 4, visits: 4, pageviews: 4, countries: [['DE', 4]] });
      await cli.close();
      await server.insertEvents(visitEvents(SITE, 4, 2));
      expect(await counted(server)).toEqual({ visitors: 6, visits: 6, pageviews: 6, countries: [['DE', 6]] });
    } finally {
      await server.close();
    }
  });

  it("does not fold in from memory events another process deleted, nor skip the events that take their ids", async () => {
    const server = openSqliteStore({ file, synchronous: 'NORMAL' });
    try {
      await server.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
      await server.createSite({ domain: OTHER, timezone: 'UTC', createdAt: START });
      await server.insertEvents(visitEvents(SITE, 0, 2));
      expect(await counted(server)).toMatchObject({ visitors: 2 });
      // The other site's events wait to be folded in when the CLI deletes the site.
      await server.insertEvents(visitEvents(OTHER, 100, 3));
      const cli = openSqliteStore({ file, synchronous: 'NORMAL' });
      expect(await cli.deleteSite(OTHER)).toBe(true);
      await cli.close();
      expect(await counted(server, OTHER)).toEqual({ visitors: 0, visits: 0, pageviews: 0, countries: [] });
      await server.insertEvents(visitEvents(SITE, 2, 2));
      expect(await counted(server)).toEqual({ visitors: 4, visits: 4, pageviews: 4, countries: [['DE', 4]] });
    } finally {
      await server.close();
    }
  });

  it('folds in again what a purge folded in before it failed and was undone', async () => {
    const store = openSqliteStore({ file, synchronous: 'NORMAL' });
    try {
      await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
      await store.insertEvents(visitEvents(SITE, 0, 3));
      expect(await counted(store)).toMatchObject({ visitors: 3 });
      await store.insertEvents(visitEvents(SITE, 3, 2));
      // The purge folds the two waiting events in, then fails deleting, and its transaction is undone.
      const db = new Database(file);
      db.exec(`CREATE TRIGGER refuse BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'refused'); END`);
      await expect(store.purgeEvents(SITE, START + 60_000)).rejects.toThrow(/refused/);
      db.exec('DROP TRIGGER refuse');
      db.close();
      expect(unfolded()).toBe(2);
      expect(await counted(store)).toEqual({ visitors: 5, visits: 5, pageviews: 5, countries: [['DE', 5]] });
    } finally {
      await store.close();
    }
  });

  it('folds in events whose ids a deleted site had held', async () => {
    const store = openSqliteStore({ file, synchronous: 'NORMAL' });
    try {
      await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
      await store.createSite({ domain: OTHER, timezone: 'UTC', createdAt: START });
      await store.insertEvents(visitEvents(SITE, 0, 3));
      // The newest ids are the other site's: once it is deleted, SQLite gives them out again.
      await store.insertEvents(visitEvents(OTHER, 100, 4));
      expect(await counted(store, OTHER)).toMatchObject({ visitors: 4 });
      expect(await store.deleteSite(OTHER)).toBe(true);
      await store.insertEvents(visitEvents(SITE, 3, 4));
      expect(await counted(store)).toEqual({ visitors: 7, visits: 7, pageviews: 7, countries: [['DE', 7]] });
    } finally {
      await store.close();
    }
  });

  it('folds in what waits before a purge recounts the day it cuts, and events after the newest purged ones', async () => {
    const store = openSqliteStore({ file, synchronous: 'NORMAL' });
    try {
      await store.createSite({ domain: SITE, timezone: 'UTC', createdAt: START });
      await store.insertEvents(visitEvents(SITE, 0, 6));
      expect(await store.purgeEvents(SITE, START + 3 * 60_000)).toBe(3);
      expect(await counted(store)).toEqual({ visitors: 3, visits: 3, pageviews: 3, countries: [['DE', 3]] });
      expect(await store.purgeEvents(SITE, START + 6 * 60_000)).toBe(3);
      await store.insertEvents(visitEvents(SITE, 10, 2));
      expect(await counted(store)).toEqual({ visitors: 2, visits: 2, pageviews: 2, countries: [['DE', 2]] });
    } finally {
      await store.close();
    }
  });
});
