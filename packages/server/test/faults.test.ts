/**
 * Faults: the server killed outright mid-load, and the store refusing writes. Neither may lose
 * or duplicate an event that was acknowledged, and no event that was not stored is acknowledged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { sparePort } from './support/redis-server.js';
import { embeddedStoreEnv, exited, requireBuild, SERVER_MAIN, waitForHealth } from './support/server-process.js';
import { BROWSER_UA, createTestApp, pageview, type TestApp } from './support/test-app.js';

const MAIN = SERVER_MAIN;

describe('SIGKILL mid-load', () => {
  let dataDir: string;

  beforeAll(() => {
    requireBuild();
    dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-crash-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(): Promise<{ child: ChildProcess; base: string }> {
    const port = await sparePort();
    const child = spawn(process.execPath, [MAIN], {
      env: embeddedStoreEnv({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'fatal', RATE_LIMIT_INGEST_PER_IP: '0' }),
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base);
    return { child, base };
  }

  it('keeps every acknowledged event exactly once across a kill and a restart', async () => {
    const first = await start();
    const acknowledged: string[] = [];
    const outcomes = new Map<string, number>();
    let next = 0;
    let killed = false;

    // Each event has its own path, so the store can be asked about each one.
    const sender = async () => {
      while (!killed) {
        const page = `/crash/${next++}`;
        const status = await fetch(`${first.base}/api/event`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain', 'User-Agent': BROWSER_UA },
          body: JSON.stringify({ site: 'localhost', url: `http://localhost${page}` }),
        }).then(
          (response) => response.status,
          () => 0,
        );
        outcomes.set(String(status), (outcomes.get(String(status)) ?? 0) + 1);
        if (status === 202) acknowledged.push(page);
      }
    };
    const senders = Array.from({ length: 16 }, sender);
    // Kill once plenty has been acknowledged, with 16 requests in flight.
    while (acknowledged.length < 400) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    await exited(first.child);
    killed = true;
    await Promise.all(senders);
    console.log(`crash test: ${next} events sent, ${acknowledged.length} acknowledged before SIGKILL, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect([...outcomes.keys()].every((status) => status === '202' || status === '0')).toBe(true);

    // The restarted server recovers the database and takes events again.
    const second = await start();
    const after = await fetch(`${second.base}/api/event`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'User-Agent': BROWSER_UA },
      body: JSON.stringify({ site: 'localhost', url: 'http://localhost/after-restart' }),
    });
    expect(after.status).toBe(202);
    second.child.kill('SIGTERM');
    await exited(second.child);

    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'FULL' });
    try {
      const stored = new Map((await store.allTime('localhost')).pages.map((page) => [page.page, page.pageviews]));
      const lost = acknowledged.filter((page) => stored.get(page) !== 1);
      expect(lost).toEqual([]);
      // Unacknowledged events may or may not have made it, but never twice.
      expect([...stored.values()].every((count) => count === 1)).toBe(true);
      expect(stored.get('/after-restart')).toBe(1);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('the store refusing writes', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp();
  });

  afterEach(() => t.close());

  const send = (page: string) =>
    request(t.app)
      .post('/api/event')
      .set('Content-Type', 'text/plain')
      .set('User-Agent', BROWSER_UA)
      .send(JSON.stringify(pageview({ url: `https://example.com${page}` })));

  it('answers 503 with Retry-After while another connection holds the database locked, never 202, and recovers', async () => {
    expect((await send('/before')).status).toBe(202);

    // Another process (a backup tool, a stuck CLI) holds the write lock past the store's busy timeout.
    const other = new Database(path.join(t.dataDir, 'sightline.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const during = await Promise.all(['/locked-1', '/locked-2', '/locked-3'].map(send));
      for (const response of during) {
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBe('5');
        expect(response.body.error).toMatch(/unavailable/);
      }
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }

    expect((await send('/after')).status).toBe(202);
    const pages = (await t.store.allTime('example.com')).pages.map((page) => page.page).sort();
    expect(pages).toEqual(['/after', '/before']);
  }, 30_000);

  it('answers 503 once the store is gone entirely, and nothing is acknowledged', async () => {
    expect((await send('/before')).status).toBe(202);
    await t.store.close();
    const response = await send('/closed');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });

  it('answers 503 with Retry-After once the write buffer is full behind a hung commit, and acknowledges the rest when it returns', async () => {
    await t.close();
    t = await createTestApp({ env: { WRITE_BUFFER_MAX_EVENTS: '2' } });
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const committing = new Promise<void>((resolve) => (started = resolve));
    const insert = t.store.insertEvents.bind(t.store);
    t.store.insertEvents = async (events) => {
      started();
      await hung;
      return insert(events);
    };

    const first = send('/first').then((response) => response);
    await committing;
    // Two fit behind the hung commit; whichever comes third is refused at once.
    const queued = ['/a', '/b', '/c'].map((page) => send(page).then((response) => response));
    const refused = await Promise.race(queued);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body.error).toMatch(/waiting for the event store/);

    release();
    const answers = await Promise.all([first, ...queued]);
    expect(answers.map((response) => response.status).sort()).toEqual([202, 202, 202, 503]);
    expect(await t.store.countEvents('example.com')).toBe(3);
  });
});
