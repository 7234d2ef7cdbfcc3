/**
 * README.md, followed line by line on a fresh quickstart server: every command that shows its
 * output is run in order, from the repository root, and must print what the README shows.
 * The README is the source of truth: change it, and this test checks the product agrees.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sparePort } from './support/redis-server.js';
import { matchesShown, readmeSteps } from './support/readme-steps.js';
import { exited, requireBuild, SERVER_MAIN, waitForHealth } from './support/server-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const README = readFileSync(path.join(root, 'README.md'), 'utf8');
const steps = readmeSteps(README);

/** What a new user's shell has: none of this machine's settings for Sightline. */
function readerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { REDIS_URL: _r, MONGODB_URI: _m, ADMIN_TOKEN: _a, DEFAULT_SITE: _d, PUBLIC_URL: _p, DEMO: _demo, NODE_ENV: _n, ...env } = process.env;
  return { ...env, ...extra };
}

let dataDir: string;
let port: number;
let server: ChildProcess | undefined;

async function stopServer(): Promise<void> {
  if (server === undefined) return;
  const exit = exited(server);
  server.kill('SIGTERM');
  await exit;
  server = undefined;
}

beforeAll(async () => {
  requireBuild();
  dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-readme-'));
  port = await sparePort();
});

afterAll(async () => {
  await stopServer();
  rmSync(dataDir, { recursive: true, force: true });
});

const onThisServer = (text: string) => text.replaceAll('localhost:8000', `localhost:${port}`);

describe('README.md', () => {
  it('starts the server before its first command, as pnpm start does after its build', () => {
    expect(steps[0]?.kind).toBe('start');
    expect(steps.filter((step) => step.kind === 'run').length).toBeGreaterThan(5);
    const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.start).toBe('pnpm build && node packages/server/dist/main.js');
  });

  it('shows no fixed date in a command or its output, so it stays true on any day', () => {
    for (const step of steps) {
      if (step.kind === 'run') expect(`${step.command}\n${step.expected}`).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
    }
  });

  for (const step of steps) {
    const title = step.kind === 'start' ? 'starts the server' : step.command.split('\n')[0];
    it(`line ${step.line}: ${title}`, async () => {
      if (step.kind === 'start') {
        await stopServer();
        server = spawn(process.execPath, [SERVER_MAIN], {
          cwd: root,
          env: readerEnv({ ...step.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
          stdio: 'ignore',
        });
        await waitForHealth(`http://127.0.0.1:${port}`);
        return;
      }
      const result = spawnSync('sh', ['-c', `{\n${onThisServer(step.command)}\n} 2>&1`], {
        cwd: root,
        env: readerEnv({ PORT: String(port), DATA_DIR: dataDir }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      const expected = onThisServer(step.expected);
      if (!matchesShown(result.stdout, expected)) expect(result.stdout.trim()).toBe(expected.trim());
    }, 40_000);
  }
});
