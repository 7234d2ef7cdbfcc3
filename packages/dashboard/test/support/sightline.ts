/**
 * The real thing for browser tests: the built server as an operator starts it (its own process,
 * a temp data dir, a free port), fed through the real ingest endpoint, read through the public
 * stats API, and a Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_MAIN = path.resolve(packageDir, '../server/dist/main.js');
/** Fresh from every run, to compare by eye with the reviewed ones kept in screenshots/. */
export const SCREENSHOT_DIR = path.join(packageDir, 'test-results', 'screenshots');

export const ADMIN_TOKEN = 'dashboard-test-admin-token';
/** Ingest drops curl's and node's user agents as bots; these are what browsers send. */
export const USER_AGENTS = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Visitor {
  /** Sent as X-Forwarded-For (the server trusts the proxy here), so each visitor has its own address and country. */
  ip: string;
  userAgent: string;
}

export class SightlineServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly base: string,
    readonly output: string[],
  ) {}

  static async start(): Promise<SightlineServer> {
    if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: build first (pnpm build)`);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sightline-dashboard-'));
    const port = await freePort();
    const { REDIS_URL: _sharedRedis, ...env } = process.env;
    const child = spawn(process.execPath, [SERVER_MAIN], {
      env: { ...env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: 'true', TRUST_PROXY: 'true', ADMIN_TOKEN, LOG_LEVEL: 'warn', PUBLIC_URL: `http://127.0.0.1:${port}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const server = new SightlineServer(child, dataDir, `http://127.0.0.1:${port}`, output);
    for (let attempt = 0; attempt < 200; attempt++) {
      if (child.exitCode !== null) throw new Error(`the server exited: ${output.join('')}`);
      const ok = await fetch(`${server.base}/healthz`).then((r) => r.ok, () => false);
      if (ok) return server;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the server did not come up: ${output.join('')}`);
  }

  /** Sends one event through POST /api/event as the visitor's browser would, and checks it was kept. */
  async send(visitor: Visitor, payload: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.base}/api/event`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'User-Agent': visitor.userAgent, 'X-Forwarded-For': visitor.ip },
      body: JSON.stringify(payload),
    });
    if (response.status !== 202 || response.headers.get('x-sightline-dropped')) {
      throw new Error(`event not kept (${response.status} ${response.headers.get('x-sightline-dropped') ?? ''}): ${await response.text()}`);
    }
  }

  /** GET on the public stats API, as anyone with curl would ask. */
  async stats<T>(endpoint: string, params: Record<string, string>, key?: string): Promise<T> {
    const response = await fetch(`${this.base}/api/v1/stats/${endpoint}?${new URLSearchParams(params)}`, {
      headers: key ? { Authorization: `Bearer ${key}` } : {},
    });
    if (!response.ok) throw new Error(`${endpoint} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  async admin<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${urlPath}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${urlPath} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** `extraArgs` adds Chromium flags, e.g. --host-resolver-rules to give a test page a site's own host name. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // Without navigator.webdriver the tracker on the demo page counts this browser like a person's.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-blink-features=AutomationControlled', ...extraArgs],
  });
}
