/** The built server and CLI as an operator runs them: real processes, real signals. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMANDS } from '../src/cli/commands.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { StoredEvent } from '../src/store/types.js';
import { sparePort } from './support/redis-server.js';
import { embeddedStoreEnv, exited, requireBuild, SERVER_CLI, SERVER_MAIN, waitForHealth } from './support/server-process.js';
import { BROWSER_UA } from './support/test-app.js';

const MAIN = SERVER_MAIN;
const ONE_EVENT: StoredEvent = {
  site: '', ts: 0, name: 'pageview', path: '/', hostname: 'one.example', referrer: null, referrerSource: null,
  utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, browser: null, os: null, device: null,
  country: null, screenWidth: null, visitorId: 1, sessionId: 1, engagementMs: null, props: {},
};
const CLI = SERVER_CLI;

let dataDir: string;

beforeAll(requireBuild);

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-process-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return embeddedStoreEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra });
}

describe('the server process', () => {
  it('refuses to start on bad settings, one line per problem', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: env({ PORT: 'eighty', REDIS_URL: 'localhost:6379' }),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^sightline: PORT: /);
    expect(lines[1]).toMatch(/^sightline: REDIS_URL: must be a redis:\/\//);
  });

  it('answers every accepted event before it exits on SIGTERM, and releases the port', async () => {
    const port = await sparePort();
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, [MAIN], { env: env({ PORT: String(port), HOST: '127.0.0.1' }), stdio: 'ignore' });
    const exit = exited(server);
    await waitForHealth(base);

    const send = (i: number) =>
      fetch(`${base}/api/event`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', 'User-Agent': BROWSER_UA },
        body: JSON.stringify({ site: 'localhost', url: `http://localhost/p/${i}` }),
      }).then(
        (response) => response.status,
        () => 'refused' as const,
      );
    const settled = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)));
    expect(settled).toEqual(Array(20).fill(202));
    const inFlight = Array.from({ length: 180 }, (_, i) => send(20 + i));
    await new Promise((resolve) => setTimeout(resolve, 5));
    server.kill('SIGTERM');
    const statuses = [...settled, ...(await Promise.all(inFlight))];
    expect(await exit).toBe(0);

    expect(statuses.every((status) => status === 202 || status === 503 || status === 'refused')).toBe(true);
    const acknowledged = statuses.filter((status) => status === 202).length;
    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'FULL' });
    try {
      expect(await store.countEvents('localhost')).toBe(acknowledged);
    } finally {
      await store.close();
    }
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('a private DEFAULT_SITE', () => {
  it('is warned about at start-up, and GET /stats answers for it only with a key', async () => {
    const added = spawnSync(process.execPath, [CLI, 'site', 'add', 'private.example'], { env: env({}), encoding: 'utf8', timeout: 20_000 });
    expect(added.status).toBe(0);
    const port = await sparePort();
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, [MAIN], {
      env: env({ PORT: String(port), HOST: '127.0.0.1', DEFAULT_SITE: 'private.example', DEMO: 'false' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let log = '';
    server.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exit = exited(server);
    try {
      await waitForHealth(base);
      expect(log).toContain('DEFAULT_SITE private.example is private: GET /stats answers only with a stats:read key');
      expect((await fetch(`${base}/stats`)).status).toBe(401);
    } finally {
      server.kill('SIGTERM');
      await exit;
    }
  });
});

describe('the CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], { env: env({}), encoding: 'utf8', timeout: 20_000 });

  it('adds a site once, prints the snippet, and lists it', () => {
    const added = cli('site', 'add', 'shop.example.org', '--timezone', 'Europe/Paris');
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('<script defer data-site="shop.example.org" src="http://localhost:8000/s.js"></script>');
    const again = cli('site', 'add', 'shop.example.org');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already registered/);
    expect(cli('site', 'retention', 'shop.example.org', '1').stdout).toMatch(/keeps its last day of events/);
    const listed = cli('site', 'list');
    expect(listed.status).toBe(0);
    expect(listed.stdout.trimEnd().split('\n')).toEqual([
      'DOMAIN            PUBLIC  TIME ZONE     RETENTION  EVENTS',
      'shop.example.org  no      Europe/Paris  1 day      0',
    ]);
  });

  it('lists every command in its help, and explains each one, exit status 0', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    for (const command of COMMANDS) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command.name} +${command.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      const one = cli('help', ...command.name.split(' '));
      expect(one.status).toBe(0);
      expect(one.stdout).toContain(`Usage: sightline ${command.name}`);
      expect(cli(...command.name.split(' '), '--help').stdout).toBe(one.stdout);
    }
    expect(cli('help').stdout).toBe(help.stdout);
    const bare = cli();
    expect(bare.status).toBe(2);
    expect(bare.stderr).toBe(help.stdout);
  });

  it('lists the commands of a group for help on its first word, and for the word alone', () => {
    const site = cli('help', 'site');
    expect(site.status).toBe(0);
    const names = COMMANDS.filter((command) => command.name.startsWith('site ')).map((command) => command.name);
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) expect(site.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(site.stdout).not.toMatch(/^ {2}key /m);
    const alone = cli('site');
    expect(alone.status).toBe(2);
    expect(alone.stderr).toBe(site.stdout);
  });

  it('says "1 event", not "1 events"', () => {
    cli('site', 'add', 'one.example');
    const store = openSqliteStore({ file: path.join(dataDir, 'sightline.db'), synchronous: 'FULL' });
    return store
      .insertEvents([{ ...ONE_EVENT, site: 'one.example', ts: Date.now() }])
      .then(() => store.close())
      .then(() => {
        expect(cli('site', 'list').stdout).toMatch(/^one\.example +no +UTC +all +1$/m);
        expect(cli('site', 'delete', 'one.example', '--yes').stdout).toBe('Deleted one.example, its 1 event, API keys, goals and funnels.\n');
      });
  });

  it('explains its usage and rejects a bad domain or time zone', () => {
    const unknown = cli('nonsense');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('sightline: no command "nonsense": sightline --help lists them\n');
    expect(cli('help', 'nonsense').status).toBe(2);
    expect(cli('site', 'add', 'https://x.org/').status).toBe(2);
    const zone = cli('site', 'add', 'x.org', '--timezone', 'Mars/Base');
    expect(zone.status).toBe(2);
    expect(zone.stderr).toMatch(/timezone/);
  });
});
