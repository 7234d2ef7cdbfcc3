/**
 * One browser harness for both builds: a node:http server on 127.0.0.1 that serves test pages and
 * captures every POST /api/event body, validated with the server's own schema, plus a real
 * Chromium driven by playwright-core. Scenarios read the payloads that were actually sent.
 */
import { parseEventPayload, type EventPayload } from '@sightline/shared';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export interface Captured {
  /** The body as sent, with its one-letter keys. */
  raw: Record<string, unknown>;
  /** The body as the server's schema parses it. */
  event: EventPayload;
  contentType: string;
}

/** What a test page asks of the tracker, in the script tag's terms; each build's page maps it. */
export interface TrackerOptions {
  site: string;
  hash?: boolean;
  exclude?: string;
  respectDnt?: boolean;
  /** On unless false: every page is served from 127.0.0.1 to an automated browser. */
  allowLocalhost?: boolean;
  allowAutomation?: boolean;
}

export class TestServer {
  private readonly captured: Captured[] = [];
  /** Bodies the schema rejected, and CORS preflights: both must stay empty. */
  readonly problems: string[] = [];
  private readonly pages = new Map<string, { type: string; body: string }>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestServer> {
    const server = createServer();
    const testServer = new TestServer(server);
    server.on('request', (request, response) => {
      void testServer.handle(request).then(({ status, type, body }) => {
        response.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*' });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return testServer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Pages are served from 127.0.0.1; `localhost` is another host, used for outbound links. */
  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  serve(path: string, body: string, type = 'text/html; charset=utf-8'): void {
    this.pages.set(path, { type, body });
  }

  events(site: string): Captured[] {
    return this.captured.filter((captured) => captured.event.site === site);
  }

  /** Waits until `site` has `count` events, then a little longer so extra ones would show up too. */
  async waitForEvents(site: string, count: number, settleMs = 250): Promise<Captured[]> {
    const deadline = Date.now() + 5000;
    while (this.events(site).length < count && Date.now() < deadline) await sleep(25);
    await sleep(settleMs);
    return this.events(site);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; type: string; body: string }> {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'OPTIONS') {
      this.problems.push(`CORS preflight for ${path}`);
      return { status: 204, type: 'text/plain', body: '' };
    }
    if (request.method === 'POST' && path === '/api/event') {
      const text = await readBody(request);
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(text) as Record<string, unknown>;
      } catch {
        this.problems.push(`not JSON: ${text}`);
        return { status: 400, type: 'text/plain', body: '' };
      }
      const parsed = parseEventPayload(raw);
      if (parsed.success) {
        this.captured.push({ raw, event: parsed.data, contentType: request.headers['content-type'] ?? '' });
      } else {
        this.problems.push(`rejected ${text}: ${parsed.error.message}`);
      }
      return { status: 202, type: 'text/plain', body: '' };
    }
    const page = this.pages.get(path);
    if (page) return { status: 200, ...page };
    if (path.startsWith('/files/')) return { status: 200, type: 'text/plain', body: 'file contents' };
    // History-router fallback: any other path is the SPA's index page.
    const fallback = this.pages.get('/*');
    return fallback ? { status: 200, ...fallback } : { status: 404, type: 'text/plain', body: 'not found' };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  });
}

/** A fresh context (own storage) and page, with every page error collected. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; pageErrors: Error[] }> {
  const context = await browser.newContext({ viewport: { width: 1111, height: 700 } });
  const page = await context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return { context, page, pageErrors };
}

/** Makes the page look hidden to the tracker, as switching tabs would, and fires the event. */
export async function hidePage(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
}

/** The body every test page shares; both builds' pages wire the same ids. */
export function testPageBody(server: TestServer): string {
  return `<h1>Sightline test page</h1>
<button id="signup">Sign up</button>
<a id="outbound" href="${server.url('/landing', 'localhost')}">Another host</a>
<a id="download" href="/files/report.PDF">Report</a>
<a id="mail" href="mailto:team@example.com">Mail</a>
<main id="view"></main>`;
}
