/**
 * The tracker's behaviour, written once and run against both builds (script tag and npm module).
 * Each build supplies a Variant: how to serve a page for a set of options. Every test gets its own
 * site id, so a late beacon from one test can never be counted by another.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hidePage, launchChromium, openPage, sleep, TestServer, type TrackerOptions } from './harness.js';

export interface Variant {
  name: string;
  /** Serves what the variant's pages load (the script, the app bundle). */
  setup(server: TestServer): Promise<void>;
  /** A complete HTML page whose tracker uses `options`; the body is testPageBody(). */
  page(server: TestServer, options: TrackerOptions): string;
}

/** How long to wait before concluding that nothing was sent: beacons land in a few ms. */
const QUIET_MS = 500;

/** What a build's own extra tests get: the shared browser page and server of the current test. */
export interface ScenarioContext {
  readonly server: TestServer;
  readonly page: Page;
  /** A fresh site id for a page the test serves itself. */
  newSite(): string;
}

export function runTrackerScenarios(variant: Variant, extraTests?: (context: ScenarioContext) => void): void {
  describe(`${variant.name} build in Chromium`, () => {
    let browser: Browser;
    let server: TestServer;
    let context: BrowserContext;
    let page: Page;
    let pageErrors: Error[];
    let sites = 0;

    beforeAll(async () => {
      [browser, server] = await Promise.all([launchChromium(), TestServer.start()]);
      server.serve('/landing', '<!doctype html><title>Landing</title><p>landed</p>');
      await variant.setup(server);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });
    beforeEach(async () => {
      ({ context, page, pageErrors } = await openPage(browser));
    });
    afterEach(async () => {
      await context.close();
      expect(pageErrors.map(String)).toEqual([]);
      expect(server.problems).toEqual([]);
    });

    const newSite = () => `t${++sites}.${variant.name.replace(/\W/g, '-')}.example.com`;

    /** Serves the page at `path` with a fresh site id and returns that id. */
    function servePage(path: string, options: Omit<TrackerOptions, 'site'> = {}): string {
      const site = newSite();
      server.serve(path, variant.page(server, { site, ...options }));
      return site;
    }

    const names = (site: string) => server.events(site).map(({ event }) => event.name);
    const pageviewUrls = (site: string) =>
      server.events(site).flatMap(({ event }) => (event.name === 'pageview' ? [event.url] : []));

    it('sends one pageview on load with url, referrer, screen width and an event id, as text/plain, with no visitor identifier', async () => {
      const site = servePage('/welcome');
      await page.goto(server.url('/welcome?utm_source=news#intro'), { referer: 'https://news.example.org/' });
      const events = await server.waitForEvents(site, 1);
      expect(events.map(({ event }) => event)).toEqual([
        {
          site,
          name: 'pageview',
          url: server.url('/welcome?utm_source=news'),
          referrer: 'https://news.example.org/',
          screen_width: 1111,
          id: expect.any(String),
        },
      ]);
      expect(events[0]!.contentType).toBe('text/plain;charset=UTF-8');
      expect(Object.keys(events[0]!.raw).sort()).toEqual(['n', 'r', 's', 'u', 'w', 'x']);
    });

    it('counts SPA route changes once per path: pushState, same-path replaceState, back', async () => {
      const site = servePage('/spa/');
      await page.goto(server.url('/spa/'));
      await server.waitForEvents(site, 1, 0);
      await page.evaluate(() => {
        history.pushState({}, '', '/spa/a');
        history.pushState({}, '', '/spa/b');
        history.replaceState({}, '', '/spa/b?tab=2'); // same path: not a new page
        history.pushState({}, '', '/spa/c');
        history.back();
      });
      await page.waitForURL('**/spa/b?tab=2');
      await server.waitForEvents(site, 5);
      // The route changes happen within one task, and beacons sent together may arrive in any order.
      expect(pageviewUrls(site).sort()).toEqual(['/spa/', '/spa/a', '/spa/b', '/spa/b?tab=2', '/spa/c'].map((path) => server.url(path)).sort());
      // Each route change closes the previous page's engagement, attributed to that page.
      for (const { event } of server.events(site).filter(({ event }) => event.name === 'engagement')) {
        expect(pageviewUrls(site)).toContain(event.url);
      }
    });

    it('counts #/routes as pages with data-hash, keeping only the UTM tags of their query strings, and ignores the hash without it', async () => {
      const hashSite = servePage('/hash-app', { hash: true });
      await page.goto(server.url('/hash-app#/home'));
      await server.waitForEvents(hashSite, 1, 0);
      await page.evaluate(() => (location.hash = '#/settings'));
      await server.waitForEvents(hashSite, 2);
      const before = server.events(hashSite).length;
      await page.evaluate(() => (location.hash = '#/reset?token=SECRET&email=alice%40example.com'));
      await server.waitForEvents(hashSite, before + 1);
      const beforeLanding = server.events(hashSite).length;
      await page.evaluate(() => (location.hash = '#/landing?token=SECRET&utm_source=news&utm_campaign=spring'));
      await server.waitForEvents(hashSite, beforeLanding + 1);
      // Of a hash route's query string only the UTM tags leave the browser.
      expect(pageviewUrls(hashSite)).toEqual(
        ['/hash-app#/home', '/hash-app#/settings', '/hash-app#/reset', '/hash-app#/landing?utm_source=news&utm_campaign=spring'].map((path) => server.url(path)),
      );
      expect(JSON.stringify(server.events(hashSite))).not.toMatch(/SECRET|alice/);

      const plainSite = servePage('/plain');
      await page.goto(server.url('/plain#one'));
      await server.waitForEvents(plainSite, 1, 0);
      await page.evaluate(() => (location.hash = '#two'));
      await sleep(QUIET_MS);
      expect(pageviewUrls(plainSite)).toEqual([server.url('/plain')]);
    });

    it('sends a custom event with props', async () => {
      const site = servePage('/signup');
      await page.goto(server.url('/signup'));
      await page.click('#signup');
      await server.waitForEvents(site, 2);
      const custom = server.events(site).find(({ event }) => event.name === 'Signup');
      expect(custom?.event).toMatchObject({ url: server.url('/signup'), props: { plan: 'pro' } });
    });

    it('records an outbound link click and the navigation still happens; mailto: is not outbound', async () => {
      const site = servePage('/links');
      await page.goto(server.url('/links'));
      await page.evaluate(() => document.querySelector('#mail')!.addEventListener('click', (event) => event.preventDefault()));
      await page.click('#mail');
      await page.click('#outbound');
      await page.waitForURL(server.url('/landing', 'localhost'));
      await server.waitForEvents(site, 2);
      const clicks = server.events(site).filter(({ event }) => event.name !== 'pageview' && event.name !== 'engagement');
      expect(clicks.map(({ event }) => event)).toEqual([
        expect.objectContaining({ name: 'Outbound Link: Click', url: server.url('/links'), props: { url: server.url('/landing', 'localhost') } }),
      ]);
    });

    it('records a file download click (any case of extension) and the navigation still happens', async () => {
      const site = servePage('/docs');
      await page.goto(server.url('/docs'));
      await page.click('#download');
      await page.waitForURL(server.url('/files/report.PDF'));
      await server.waitForEvents(site, 2);
      expect(server.events(site).find(({ event }) => event.name === 'File Download')?.event.props).toEqual({
        url: server.url('/files/report.PDF'),
      });
    });

    it('sends visible time as engagement when the page is hidden', async () => {
      const site = servePage('/read');
      await page.goto(server.url('/read'));
      await server.waitForEvents(site, 1, 0);
      await sleep(300);
      await hidePage(page);
      const events = await server.waitForEvents(site, 2);
      expect(names(site)).toEqual(['pageview', 'engagement']);
      expect(events[1]!.event.url).toBe(server.url('/read'));
      expect(events[1]!.event.engagement_ms).toBeGreaterThanOrEqual(250);
      expect(events[1]!.event.engagement_ms).toBeLessThan(5000);
    });

    it('sends engagement when the page is closed', async () => {
      const site = servePage('/leave');
      await page.goto(server.url('/leave'));
      await server.waitForEvents(site, 1, 0);
      await sleep(200);
      await page.close({ runBeforeUnload: true });
      await server.waitForEvents(site, 2);
      expect(names(site)).toEqual(['pageview', 'engagement']);
      expect(server.events(site)[1]!.event.engagement_ms).toBeGreaterThan(0);
    });

    describe('sends nothing', () => {
      /** Loads the page, clicks the custom-event button, and returns what arrived. */
      async function visit(path: string, site: string): Promise<string[]> {
        await page.goto(server.url(path));
        await page.click('#signup');
        await sleep(QUIET_MS);
        return names(site);
      }

      it('when the visitor opted out with localStorage.sightline_ignore', async () => {
        const site = servePage('/opted-out');
        await page.addInitScript(() => localStorage.setItem('sightline_ignore', 'true'));
        expect(await visit('/opted-out', site)).toEqual([]);
      });

      it('on paths matching data-exclude, but does on the others', async () => {
        const site = servePage('/admin/users', { exclude: '/admin/*, /preview/*' });
        expect(await visit('/admin/users', site)).toEqual([]);
        await page.evaluate(() => history.pushState({}, '', '/preview/draft-1'));
        await page.evaluate(() => history.pushState({}, '', '/pricing'));
        await server.waitForEvents(site, 1);
        expect(pageviewUrls(site)).toEqual([server.url('/pricing')]);
      });

      it('from localhost and 127.* without data-allow-localhost', async () => {
        const site = servePage('/local', { allowLocalhost: false });
        expect(await visit('/local', site)).toEqual([]);
      });

      it('from an automated browser without data-allow-automation', async () => {
        const site = servePage('/robot', { allowAutomation: false });
        expect(await visit('/robot', site)).toEqual([]);
      });

      it('with Global Privacy Control on and data-respect-dnt, but does without data-respect-dnt', async () => {
        await page.addInitScript(() => Object.defineProperty(navigator, 'globalPrivacyControl', { value: true }));
        const site = servePage('/private', { respectDnt: true });
        expect(await visit('/private', site)).toEqual([]);
        const other = servePage('/not-asked');
        await page.goto(server.url('/not-asked'));
        expect((await server.waitForEvents(other, 1)).length).toBe(1);
      });

      it('while the page is prerendered, then counts it once shown', async () => {
        await page.addInitScript(() => Object.defineProperty(document, 'prerendering', { value: true, configurable: true }));
        const site = servePage('/prerendered');
        expect(await visit('/prerendered', site)).toEqual([]);
        await page.evaluate(() => {
          Object.defineProperty(document, 'prerendering', { value: false, configurable: true });
          document.dispatchEvent(new Event('prerenderingchange'));
        });
        await server.waitForEvents(site, 1);
        expect(names(site)).toEqual(['pageview']);
      });
    });

    extraTests?.({
      get server() {
        return server;
      },
      get page() {
        return page;
      },
      newSite,
    });
  });
}
