/**
 * The web admin as a new operator uses it, in Chromium against the built server: the setup link
 * printed at start-up, signing in, adding a site, pasting its snippet into a page of that site
 * (another origin) and seeing its first event arrive, the dashboard without a key, API keys,
 * goals and a funnel, a viewer invited to one site, a shared link, and signing out.
 */
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildDashboard } from '../scripts/build.mjs';
import { lowContrastText, settled, topStats } from './support/dashboard-page.js';
import { freePort, launchChromium, SCREENSHOT_DIR, SightlineServer, USER_AGENTS } from './support/sightline.js';

const SITE = 'shop.test';
const OTHER = 'other.test';
const PASSWORD = 'a long enough password';

let server: SightlineServer;
let browser: Browser;
let shopPage: Server;
let shopPort: number;
let snippet = '';
const problems: string[] = [];

function watch(page: Page): Page {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Refused requests are what some steps check; anything else (a CSP violation) is a problem.
    if (message.type() === 'error' && !/status of 40[0134]/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return page;
}

async function newPage(context: BrowserContext): Promise<Page> {
  return watch(await context.newPage());
}

beforeAll(async () => {
  await buildDashboard();
  server = await SightlineServer.start();
  shopPort = await freePort();
  // The site's own page, on its own origin: it carries whatever snippet was copied from the admin.
  shopPage = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Shop</title>${snippet}</head><body><h1>Shop</h1></body></html>`);
  });
  await new Promise<void>((resolve) => shopPage.listen(shopPort, '127.0.0.1', resolve));
  browser = await launchChromium([`--host-resolver-rules=MAP ${SITE} 127.0.0.1`]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => shopPage?.close(resolve));
  await server?.stop();
});

afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

const submit = (page: Page, form: string) => Promise.all([page.waitForNavigation(), page.click(`${form} button[type="submit"]`)]);

describe('the web admin', () => {
  let owner: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await owner.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
    page = await newPage(owner);
  });

  afterAll(async () => {
    await owner.close();
  });

  it('creates the owner with the link printed at start-up', async () => {
    const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(server.output.join(''))?.[1];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.fill('#email', 'owner@shop.test');
    await page.fill('#password', PASSWORD);
    await submit(page, 'form');
    expect(new URL(page.url()).pathname).toBe('/sites');
    expect(await page.textContent('.admin-nav')).toContain('owner@shop.test');
    // Used up: the same link does nothing now.
    const again = await (await owner.newPage()).goto(link!);
    expect(again?.status()).toBe(404);
  });

  it('refuses a wrong password, then signs in', async () => {
    await submit(page, '.admin-nav form');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#email', 'owner@shop.test');
    await page.fill('#password', 'not the password');
    await submit(page, 'form.form');
    expect(await page.textContent('[role="alert"]')).toContain('do not match');
    await page.fill('#password', PASSWORD);
    await submit(page, 'form.form');
    expect(new URL(page.url()).pathname).toBe('/sites');
  });

  it('adds a site, and its snippet pasted into the site’s page sends the first event', async () => {
    await page.click('text=Add a site');
    await page.fill('#domain', SITE);
    await page.fill('#timezone', 'Europe/Paris');
    expect(await page.$$eval('#time-zones option', (options) => options.length)).toBeGreaterThan(300);
    await submit(page, 'form.form');
    expect(new URL(page.url()).pathname).toBe(`/sites/${SITE}`);
    expect(await page.inputValue('#settings #timezone')).toBe('Europe/Paris');
    expect(await page.textContent('.waiting')).toContain('Waiting for the first event');

    await page.click('button[data-copy="snippet"]');
    await page.waitForFunction(() => document.querySelector('.copied')?.textContent === 'Copied.');
    snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toBe(`<script defer data-site="${SITE}" src="${server.base}/s.js"></script>`);

    // Headless Chromium names itself in its User-Agent, which ingest drops as a bot's; a visitor's browser does not.
    const visitor = await browser.newContext({ userAgent: USER_AGENTS.chromeLinux });
    const shop = await visitor.newPage();
    await shop.goto(`http://${SITE}:${shopPort}/`);
    await page.waitForSelector('.waiting.received', { timeout: 20_000 });
    expect(await page.textContent('.waiting')).toContain('Received');
    await visitor.close();
  });

  it('opens the private site’s dashboard with no key to paste', async () => {
    await page.click('text=Open the dashboard');
    await settled(page);
    expect(await page.$('#api-key')).toBeNull();
    expect((await topStats(page)).visitors).toBe(1);
  });

  it('creates a key with a label, shows it once, and revokes it', async () => {
    await page.goto(`${server.base}/sites/${SITE}`);
    await page.fill('#key-label', 'reporting');
    await submit(page, '#keys form.form');
    const secret = (await page.textContent('#new-key'))?.trim() ?? '';
    expect(secret).toMatch(/^sl_/);
    expect(await page.textContent('#keys table')).toContain('reporting');
    const read = () => fetch(`${server.base}/api/v1/stats/aggregate?site_id=${SITE}&metrics=visitors`, { headers: { Authorization: `Bearer ${secret}` } });
    expect((await read()).status).toBe(200);
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    await submit(page, '#keys table form');
    expect(await page.textContent('[role="status"]')).toContain('revoked');
    expect((await read()).status).toBe(401);
  });

  it('adds goals, keeping a refused one as typed, and a 3-step funnel through the forms', async () => {
    await page.goto(`${server.base}/sites/${SITE}`);
    await page.fill('#goal-event-name', 'Signup');
    await submit(page, '#goals form.form');
    await page.check('#goals input[name="goal_type"][value="page"]');
    await page.fill('#goal-page-path', 'pricing');
    await submit(page, '#goals form.form');
    expect(await page.textContent('#goals [role="alert"]')).toBe('page_path must start with /');
    expect(await page.isChecked('#goals input[name="goal_type"][value="page"]')).toBe(true);
    expect(await page.inputValue('#goal-page-path')).toBe('pricing');
    await page.fill('#goal-page-path', '/pricing');
    await submit(page, '#goals form.form');
    await page.check('#goals input[name="goal_type"][value="page"]');
    await page.fill('#goal-page-path', '/');
    await submit(page, '#goals form.form');
    expect(await page.$$eval('#goals tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent))).toEqual(['Signup', 'Visit /pricing', 'Visit /']);

    const stepsShown = () => page.$$eval('#funnels select[name="step"]', (selects) => selects.map((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent));
    expect(await stepsShown()).toEqual(['Choose a goal', 'Choose a goal']);
    await page.fill('#funnel-name', 'Buy');
    await page.selectOption('#funnel-step-1', { label: 'Visit /' });
    await page.selectOption('#funnel-step-2', { label: 'Visit /pricing' });
    await Promise.all([page.waitForNavigation(), page.click('#funnels button:text("Add a step")')]);
    expect(new URL(page.url()).hash).toBe('#funnels');
    expect(await page.inputValue('#funnel-name')).toBe('Buy');
    expect(await stepsShown()).toEqual(['Visit /', 'Visit /pricing', 'Choose a goal']);
    await Promise.all([page.waitForNavigation(), page.click('#funnels button:text("Add a step")')]);
    await Promise.all([page.waitForNavigation(), page.click('#funnels button[aria-label="Remove step 4"]')]);
    expect(await stepsShown()).toEqual(['Visit /', 'Visit /pricing', 'Choose a goal']);
    await page.selectOption('#funnel-step-3', { label: 'Signup' });
    // Enter in the name field saves the funnel rather than pressing a step's button.
    await Promise.all([page.waitForNavigation(), page.press('#funnel-name', 'Enter')]);
    expect(await page.textContent('[role="status"]')).toContain('Funnel Buy saved.');
    expect(await page.textContent('#funnels tbody')).toContain('Visit / → Visit /pricing → Signup');
    expect(await stepsShown()).toEqual(['Choose a goal', 'Choose a goal']);
    const { funnels } = await server.admin<{ funnels: Array<{ name: string; steps: Array<{ display_name: string }> }> }>('GET', `/api/v1/sites/funnels?site_id=${SITE}`);
    expect(funnels.map((funnel) => [funnel.name, funnel.steps.map((step) => step.display_name)])).toEqual([['Buy', ['Visit /', 'Visit /pricing', 'Signup']]]);
  });

  it('invites a viewer who sees only the site chosen for them', async () => {
    await server.admin('POST', '/api/sites', { domain: OTHER });
    await page.goto(`${server.base}/people`);
    await page.fill('#invite-email', 'viewer@shop.test');
    await page.check(`input[name="sites"][value="${SITE}"]`);
    await submit(page, 'form.form');
    const invitation = (await page.textContent('#invite-link'))?.trim() ?? '';
    expect(invitation).toContain('/welcome?token=');

    const viewer = await browser.newContext();
    const theirs = await newPage(viewer);
    await theirs.goto(invitation);
    await theirs.fill('#password', PASSWORD);
    await submit(theirs, 'form.form');
    expect(await theirs.$$eval('table.sites tbody tr', (rows) => rows.map((row) => row.querySelector('a')?.textContent))).toEqual([SITE]);
    await theirs.goto(`${server.base}/dashboard/${SITE}`);
    await settled(theirs);
    expect((await topStats(theirs)).visitors).toBe(1);
    await theirs.goto(`${server.base}/dashboard/${OTHER}`);
    await theirs.waitForSelector('.key-form');
    expect(await theirs.textContent('.key-form')).toContain(`site ${OTHER} is not public`);
    expect((await theirs.goto(`${server.base}/sites/${SITE}`))?.status()).toBe(403);
    await viewer.close();
  });

  it('shares the dashboard by a secret link, until the link is revoked', async () => {
    await page.goto(`${server.base}/sites/${SITE}`);
    await page.fill('#link-label', 'team board');
    await submit(page, '#shared-links form.form');
    const link = (await page.textContent('#new-link'))?.trim() ?? '';
    const anyone = await browser.newContext();
    const shared = await newPage(anyone);
    await shared.goto(link);
    await settled(shared);
    expect((await topStats(shared)).visitors).toBe(1);
    await submit(page, '#shared-links table form');
    await shared.reload();
    expect(await shared.textContent('body')).toContain('revoked');
    await anyone.close();
  });

  it('looks like the dashboard: readable in both colour schemes, and within a phone’s width', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 390, height: 844 }, isMobile: true });
      await context.addCookies(await owner.cookies());
      const small = await newPage(context);
      await small.goto(`${server.base}/sites/${SITE}`);
      expect(await lowContrastText(small, ['h1', '.admin-nav a', '.admin-nav .who', 'label', 'button', 'th', 'td', '.snippet', '.waiting'])).toEqual([]);
      expect(await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await small.screenshot({ path: path.join(SCREENSHOT_DIR, `admin-site-${colorScheme}-phone.png`), fullPage: true });
      await context.close();
    }
    // Reachable by keyboard: Tab moves through the navigation to the first form field.
    await page.goto(`${server.base}/sites/new`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sites');
  });

  it('signs out, and the old cookie is refused from then on', async () => {
    const [cookie] = (await owner.cookies()).filter((c) => c.name === 'sightline_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    await page.goto(`${server.base}/sites`);
    await submit(page, '.admin-nav form');
    const response = await fetch(`${server.base}/api/v1/stats/aggregate?site_id=${SITE}&metrics=visitors`, { headers: { Cookie: `sightline_session=${cookie!.value}` } });
    expect(response.status).toBe(401);
    const pageResponse = await fetch(`${server.base}/sites`, { headers: { Cookie: `sightline_session=${cookie!.value}` }, redirect: 'manual' });
    expect(pageResponse.headers.get('location')).toMatch(/^\/login/);
  });
});
