/**
 * The tracker against a real Sightline server: the built server process as the quickstart starts
 * it, the examples as written (they report to its demo site, localhost), served from another
 * origin, in Chromium. What was stored is read back through the stats API only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoRoot } from './build.js';
import { hidePage, launchChromium, sleep } from './harness.js';

const SERVER_MAIN = join(repoRoot, 'packages/server/dist/main.js');
/** The quickstart's demo site, which the examples report to. */
const SITE = 'localhost';

interface RunningServer {
  origin: string;
  process: ChildProcess;
  dataDir: string;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startSightline(): Promise<RunningServer> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run the build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: 'warn', PUBLIC_URL: origin };
  delete env.REDIS_URL;
  delete env.MONGODB_URI;
  delete env.DEFAULT_SITE;
  const child = spawn(process.execPath, [SERVER_MAIN], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let attempt = 0; attempt < 200; attempt++) {
    const up = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);
    if (up) return { origin, process: child, dataDir };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('the Sightline server did not come up');
}

async function stopSightline(server: RunningServer | undefined): Promise<void> {
  if (server === undefined) return;
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGTERM');
  await exited;
  rmSync(server.dataDir, { recursive: true, force: true });
}

async function stats<T>(sightline: RunningServer, endpoint: string, query: Record<string, string>): Promise<T> {
  const url = `${sightline.origin}/api/v1/stats/${endpoint}?${new URLSearchParams({ site_id: SITE, period: 'day', ...query })}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { results: T }).results;
}

type Row = Record<string, string | number>;

async function breakdown(sightline: RunningServer, property: string, metrics: string, filters?: string): Promise<Row[]> {
  const rows = await stats<Row[]>(sightline, 'breakdown', { property, metrics, ...(filters ? { filters } : {}) });
  return [...rows].sort((a, b) => String(a[property.split(':').pop()!]).localeCompare(String(b[property.split(':').pop()!])));
}

/** Waits until what the stats API says stops changing: beacons are asynchronous. */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  let previous = JSON.stringify(await read());
  for (let attempt = 0; attempt < 40; attempt++) {
    await sleep(150);
    const current = JSON.stringify(await read());
    if (current === previous) return JSON.parse(current) as T;
    previous = current;
  }
  throw new Error('stats kept changing');
}

/**
 * Headless Chromium says "HeadlessChrome" in its User-Agent, which the server rightly drops as a
 * bot; a visitor's Chrome says this.
 */
const DESKTOP_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

let browser: Browser;
let sightline: RunningServer | undefined;

beforeAll(async () => {
  // Without navigator.webdriver the examples, as written, count this browser like a person's.
  browser = await launchChromium(['--disable-blink-features=AutomationControlled']);
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  sightline = await startSightline();
});

afterEach(async () => {
  await stopSightline(sightline);
  sightline = undefined;
});

/** Outbound links lead off this machine; answer them locally so the navigation completes. */
async function stubOutbound(page: Page): Promise<void> {
  await page.route('https://example.org/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: 'elsewhere' }));
}

async function expectRecorded(server: RunningServer, pageviews: Row[]): Promise<void> {
  const pages = await settled(() => breakdown(server, 'event:page', 'pageviews'));
  expect(pages).toEqual(pageviews);
  // The events metric counts custom events only, so the pageview row shows 0.
  const events = await breakdown(server, 'event:name', 'events', 'event:name!=pageview');
  expect(events).toEqual([
    { name: 'Outbound Link: Click', events: 1 },
    { name: 'Signup', events: 1 },
  ]);
  expect(await breakdown(server, 'event:props:plan', 'events', 'event:name==Signup')).toEqual([{ plan: 'pro', events: 1 }]);
  expect(await breakdown(server, 'event:props:url', 'events', 'event:name==Outbound Link: Click')).toEqual([
    { url: 'https://example.org/', events: 1 },
  ]);
  const aggregate = await stats<Record<string, { value: number }>>(server, 'aggregate', {
    metrics: 'visitors,visits,pageviews,visit_duration',
  });
  const total = pageviews.reduce((sum, row) => sum + Number(row.pageviews), 0);
  expect(aggregate.visitors!.value).toBe(1);
  expect(aggregate.visits!.value).toBe(1);
  expect(aggregate.pageviews!.value).toBe(total);
  // The page was visible for at least the second the test waited before hiding it.
  expect(aggregate.visit_duration!.value).toBeGreaterThanOrEqual(1);
}

/**
 * Opens `site` as a visitor would, runs `visit`, then signs up, hides the page and follows the
 * outbound link: the steps both examples share. Fails on any error thrown into the page.
 */
async function browse(site: { url: string; close(): Promise<void> }, visit: (page: Page) => Promise<void>, signup: string): Promise<void> {
  const context = await browser.newContext({ userAgent: DESKTOP_CHROME });
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  try {
    await stubOutbound(page);
    await page.goto(`${site.url}/`);
    await visit(page);
    // Visible for a second, so the engagement sent on hiding is at least that.
    await sleep(1100);
    await page.click(signup);
    await hidePage(page);
    await page.click('a[href="https://example.org/"]');
    await page.waitForURL('https://example.org/');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await site.close();
  }
}

/**
 * Serves an example with its documented command (npx -y pnpm@12.4.2 example:html | example:spa
 * runs examples/serve.mjs), pointed at this Sightline server.
 */
async function serveExample(example: 'html' | 'spa', server: RunningServer): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'examples/serve.mjs'), example, String(port), server.origin], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`on http://localhost:${port}/`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`examples/serve.mjs exited with ${code}: ${output}`)));
  });
  const close = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { url: `http://${SITE}:${port}`, close };
}

it('examples/html, served by its command: the snippet records a pageview, a custom event, an outbound click and time on page', async () => {
  const server = sightline!;
  const site = await serveExample('html', server);
  await browse(
    site,
    (page) => page.waitForFunction(() => typeof (window as { sightline?: unknown }).sightline === 'function').then(() => undefined),
    'button',
  );
  await expectRecorded(server, [{ page: '/', pageviews: 1 }]);
});

it('examples/spa, served by its command: the npm module records SPA routes, back navigation, a custom event, an outbound click and time on page', async () => {
  const server = sightline!;
  const site = await serveExample('spa', server);
  await browse(
    site,
    async (page) => {
      await page.waitForSelector('#view:has-text("Home")');
      await page.click('nav a[href="/pricing"]');
      await page.waitForSelector('#view:has-text("Pricing")');
      await page.click('nav a[href="/docs"]');
      await page.waitForSelector('#view:has-text("Docs")');
      await page.goBack();
      await page.waitForSelector('#view:has-text("Pricing")');
    },
    '#signup',
  );
  await expectRecorded(server, [
    { page: '/', pageviews: 1 },
    { page: '/docs', pageviews: 1 },
    { page: '/pricing', pageviews: 2 },
  ]);
});
