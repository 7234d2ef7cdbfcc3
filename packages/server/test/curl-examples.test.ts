/**
 * examples/curl/*.sh run against a real server process on a fresh data directory, as a new
 * user would after the quickstart: each script must print exactly its `#>` lines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedStoreEnv, requireBuild, SERVER_MAIN, waitForHealth } from './support/server-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = SERVER_MAIN;
const EXAMPLES = path.resolve(here, '../../../examples/curl');
const ADMIN_TOKEN = 'curl-examples-admin-token-0123';
/** In the order a reader runs them: the first sends the events the others count. */
const SCRIPTS = ['send-events', 'aggregate', 'timeseries', 'breakdown', 'filters', 'realtime', 'keys'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let dataDir: string;
let server: ChildProcess;
let base: string;

beforeAll(async () => {
  requireBuild();
  dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-curl-'));
  const port = await freePort();
  base = `http://localhost:${port}`;
  const { DEFAULT_SITE: _site, ...env } = embeddedStoreEnv();
  server = spawn(process.execPath, [MAIN], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO: 'true', ADMIN_TOKEN },
    stdio: 'ignore',
  });
  await waitForHealth(base);
});

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('examples/curl', () => {
  it.each(SCRIPTS)('%s.sh prints what it says', (name) => {
    const file = path.join(EXAMPLES, `${name}.sh`);
    const expected = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#> '))
      .map((line) => line.slice(3));
    expect(expected.length).toBeGreaterThan(0);
    const result = spawnSync('sh', [file], {
      env: { ...process.env, SIGHTLINE_URL: base, ADMIN_TOKEN },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual(expected);
  });
});
