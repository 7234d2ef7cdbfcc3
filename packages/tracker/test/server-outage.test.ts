/**
 * The script tag against a real Sightline server that goes away mid-visit: the built server
 * process is stopped for seconds and started again on its port and data, and one answer is cut
 * off after the server stored the event. Every event the page sent must be counted exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot } from './build.js';
import { hidePage, launchChromium, sleep } from './harness.js';

const SERVER_MAIN = join(repoRoot, 'packages/server/dist/main.js');
/** The demo site, public and counting pages served from localhost. */
const SITE = 'localhost';
/** Headless Chromium names itself in its User-Agent, which the server drops as a bot. */
const DESKTOP_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

class SightlineProcess {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async start(): Promise<SightlineProcess> {
    if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run the build first`);
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const server = new SightlineProcess(port, mkdtempSync(join(tmpdir(), 'sightline-outage-')));
    await server.resume();
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port and data directory, and waits until it answers. */
  async resume(): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: this.dataDir,
      PORT: String(this.port),
      HOST: '127.0.0.1',
      DEMO: 'true',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: this.origin,
    };
    delete env.REDIS_URL;
    delete env.MONGODB_URI;
    delete env.DEFAULT_SITE;
    this.child = spawn(process.execPath, [SERVER_MAIN], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    for (let attempt = 0; attempt < 200; attempt++) {
      if (await fetch(`${this.origin}/healthz`).then((r) => r.ok, () => false)) return;
      await sleep(50);
    }
    throw new Error('the Sightline server did not come up');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Rows of a breakdown of today, sorted by the property's value, code point by code point. */
  async breakdown(property: string, metrics: string): Promise<Array<Record<string, string | number>>> {
    const query = new URLSearchParams({ site_id: SITE, period: 'day', property, metrics });
    const response = await fetch(`${this.origin}/api/v1/stats/breakdown?${query}`);
    if (!response.ok) throw new Error(`breakdown answered ${response.status}: ${await response.text()}`);
    const key = property.split(':').pop()!;
    const rows = ((await response.json()) as { results: Array<Record<string, string | number>> }).results;
    return rows.sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : 1));
  }
}

/** Stats answers about today are cached for 5 s (LIVE_TTL_MS on the server): a read after this long is fresh. */
const FRESH_AFTER_MS = 5500;

/**
 * Waits until the stats API says `expected`, then past the cache's lifetime, and reads again:
 * a late second copy of any event would show then.
 */
async function counted<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && JSON.stringify(await read()) !== JSON.stringify(expected)) await sleep(500);
  await sleep(FRESH_AFTER_MS);
  return read();
}

let browser: Browser;
let sightline: SightlineProcess;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  browser = await launchChromium();
  sightline = await SightlineProcess.start();
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>Outage</title>
<script defer data-site="${SITE}" data-allow-localhost data-allow-automation src="${sightline.origin}/s.js"></script></head>
<body><button id="signup" onclick="sightline('Signup')">Sign up</button><button id="share" onclick="sightline('Share')">Share</button></body></html>`;
  site = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
  siteUrl = `http://localhost:${await listen(site)}`;
});

afterAll(async () => {
  await browser?.close();
  await sightline?.remove();
  await new Promise((resolve) => site?.close(resolve));
});

it('counts every event the page sent exactly once, with the server stopped for seconds mid-visit and one answer lost', async () => {
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME });
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  try {
    // The Signup event reaches the server and is stored, but its answer is cut off on the way
    // back: the page sees the failure a connection reset would give, and sends it again later.
    let cutOff = 0;
    let signupSends = 0;
    await page.route(`${sightline.origin}/api/event`, async (route) => {
      if (route.request().postData()?.includes('"n":"Signup"')) signupSends++;
      if (cutOff === 0 && signupSends === 1) {
        cutOff++;
        await route.fetch();
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await page.goto(`${siteUrl}/`);
    await page.waitForFunction(() => typeof (window as { sightline?: unknown }).sightline === 'function');
    await page.click('#signup');
    const before = [
      { name: 'Signup', events: 1 },
      { name: 'pageview', events: 1 },
    ];
    expect(await counted(() => sightline.breakdown('event:name', 'events'), before)).toEqual(before);
    expect(cutOff).toBe(1);

    // The server stops; meanwhile the visitor shares and moves on to another page of the app.
    await sightline.stop();
    await page.click('#share');
    await page.evaluate(() => history.pushState({}, '', '/second'));
    await sleep(3000);
    await sightline.resume();

    // Hiding the page sends the engagement of /second and tries each failed send once more.
    await hidePage(page);
    const after = [
      { name: 'Share', events: 1 },
      { name: 'Signup', events: 1 },
      { name: 'pageview', events: 2 },
    ];
    expect(await counted(() => sightline.breakdown('event:name', 'events'), after)).toEqual(after);
    // Signup was sent again, and counted once all the same.
    expect(signupSends).toBe(2);
    expect(await sightline.breakdown('event:page', 'pageviews')).toEqual([
      { page: '/', pageviews: 1 },
      { page: '/second', pageviews: 1 },
    ]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);
