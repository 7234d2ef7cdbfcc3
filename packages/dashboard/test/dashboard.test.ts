/**
 * The dashboard as a person uses it: a real server with known events, Chromium opening
 * /dashboard/<site>, and every number on the page checked against the public stats API.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildDashboard } from '../scripts/build.mjs';
import { lowContrastText, panelRows, parseCsv, parseShown, settled, topStats } from './support/dashboard-page.js';
import { launchChromium, SCREENSHOT_DIR, SightlineServer, USER_AGENTS, type Visitor } from './support/sightline.js';

type Aggregate = { results: Record<string, { value: number; change?: number | null }> };
type Breakdown = { results: Array<Record<string, string | number | null>> };

const SITE = 'localhost';
const TOP = 'visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration';
const url = (pathname: string) => `http://${SITE}${pathname}`;

const visitors = {
  fromSearch: { ip: '8.8.8.8', userAgent: USER_AGENTS.chromeLinux },
  fromNewsletter: { ip: '1.1.1.1', userAgent: USER_AGENTS.firefoxWindows },
  onPhone: { ip: '81.2.69.142', userAgent: USER_AGENTS.safariIphone },
  twoPages: { ip: '9.9.9.9', userAgent: USER_AGENTS.chromeMac },
} satisfies Record<string, Visitor>;

/** What was sent, so the API's answers can be checked against it and not only the page against the API. */
const SEEDED = { visitors: 4, pageviews: 6, pricingVisitors: 2, signups: 1 };

let server: SightlineServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  // The server serves packages/dashboard/dist: build it from the current source first.
  await buildDashboard();
  server = await SightlineServer.start();
  const { fromSearch, fromNewsletter, onPhone, twoPages } = visitors;
  await server.send(fromSearch, { site: SITE, url: url('/'), referrer: 'https://www.google.com/search?q=sightline', screen_width: 1440 });
  await server.send(fromSearch, { site: SITE, url: url('/pricing'), referrer: url('/'), screen_width: 1440 });
  await server.send(fromSearch, { site: SITE, name: 'Signup', url: url('/pricing'), props: { plan: 'pro' }, screen_width: 1440 });
  await server.send(fromNewsletter, { site: SITE, url: url('/?utm_source=newsletter&utm_medium=email&utm_campaign=launch'), screen_width: 1920 });
  await server.send(onPhone, { site: SITE, url: url('/blog/hello-world'), referrer: 'https://news.ycombinator.com/', screen_width: 390 });
  await server.send(twoPages, { site: SITE, url: url('/pricing'), screen_width: 1280 });
  await server.send(twoPages, { site: SITE, url: url('/about'), referrer: url('/pricing'), screen_width: 1280 });
  browser = await launchChromium();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A CSP or Trusted Types violation shows up as a console error.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
});

afterEach(async () => {
  await context.close();
  expect(problems).toEqual([]);
});

/** The page as it is now, at desktop width (1280) and phone width (390), for a person to look at. */
async function screenshots(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-desktop.png`), fullPage: true });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const small = await phone.newPage();
    // The same tab storage (an API key) would not carry over; the states shown here need none.
    await small.goto(page.url());
    await settled(small);
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await small.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-phone.png`), fullPage: true });
  } finally {
    await phone.close();
  }
}

async function open(query = ''): Promise<void> {
  await page.goto(`${server.base}/dashboard/${SITE}${query}`);
  await settled(page);
}

/** The top-line cards equal the API's values for the same query. */
async function expectTopStatsMatch(params: Record<string, string>): Promise<Aggregate['results']> {
  const api = await server.stats<Aggregate>('aggregate', { site_id: SITE, metrics: TOP, compare: 'previous_period', ...params });
  const shown = await topStats(page);
  expect(shown).toEqual(Object.fromEntries(TOP.split(',').map((metric) => [metric, api.results[metric]?.value ?? null])));
  return api.results;
}

describe('the dashboard of a public site', () => {
  it('shows the numbers the API gives, which are the events sent', async () => {
    await open('?period=day');
    const results = await expectTopStatsMatch({ period: 'day' });
    expect(results.visitors?.value).toBe(SEEDED.visitors);
    expect(results.pageviews?.value).toBe(SEEDED.pageviews);

    const pages = await server.stats<Breakdown>('breakdown', { site_id: SITE, period: 'day', property: 'event:page', metrics: 'visitors,pageviews', limit: '10' });
    expect(await panelRows(page, 'pages')).toEqual(
      pages.results.map((row) => ({ value: String(row.page), metrics: { visitors: row.visitors, pageviews: row.pageviews } })),
    );
    expect(pages.results.find((row) => row.page === '/pricing')?.visitors).toBe(SEEDED.pricingVisitors);

    const events = await panelRows(page, 'events');
    expect(events).toEqual([{ value: 'Signup', metrics: { visitors: 1, events: SEEDED.signups } }]);

    const live = await server.stats<number>('realtime/visitors', { site_id: SITE });
    await page.waitForFunction((count) => document.querySelector('.live-count')?.textContent === String(count), live);
    expect(live).toBe(SEEDED.visitors);

    await screenshots('populated');
  });

  it('filters the whole dashboard by a clicked row, shows a chip, and keeps the filter in the URL', async () => {
    await open('?period=day');
    await page.click('[data-panel="pages"] a[data-value="/pricing"]');
    await page.waitForURL(/filters=/);
    expect(new URL(page.url()).searchParams.get('filters')).toBe('event:page==/pricing');
    await settled(page);
    expect(await page.textContent('.chips')).toContain('Page is /pricing');
    const filtered = await expectTopStatsMatch({ period: 'day', filters: 'event:page==/pricing' });
    expect(filtered.visitors?.value).toBe(SEEDED.pricingVisitors);

    // Another panel narrowed by the same filter.
    const browsers = await server.stats<Breakdown>('breakdown', { site_id: SITE, period: 'day', property: 'visit:browser', metrics: 'visitors', limit: '10', filters: 'event:page==/pricing' });
    expect((await panelRows(page, 'devices')).map((row) => row.metrics.visitors)).toEqual(browsers.results.map((row) => row.visitors));

    // The URL alone brings the same view back.
    await page.reload();
    await settled(page);
    expect((await topStats(page)).visitors).toBe(SEEDED.pricingVisitors);

    await page.click('.chip button');
    await settled(page);
    expect(new URL(page.url()).searchParams.has('filters')).toBe(false);
    expect((await topStats(page)).visitors).toBe(SEEDED.visitors);

    await page.goBack();
    await settled(page);
    expect((await topStats(page)).visitors).toBe(SEEDED.pricingVisitors);
  });

  it('switches the period with the picker, the keyboard and a custom range', async () => {
    await open('?period=30d');
    expect(await page.inputValue('#period')).toBe('30d');
    await expectTopStatsMatch({ period: '30d' });

    await page.selectOption('#period', '7d');
    await page.waitForURL(/period=7d/);
    await settled(page);
    await expectTopStatsMatch({ period: '7d' });

    await page.keyboard.press('d');
    await page.waitForURL(/period=day/);
    await settled(page);
    await expectTopStatsMatch({ period: 'day' });

    // Yesterday alone has no events: the empty state, not a blank chart.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.selectOption('#period', 'custom');
    await page.fill('#range-from', yesterday);
    await page.fill('#range-to', yesterday);
    await page.click('.custom-range button[type="submit"]');
    await page.waitForURL(/period=custom/);
    await settled(page);
    expect(new URL(page.url()).searchParams.get('date')).toBe(`${yesterday},${yesterday}`);
    await expectTopStatsMatch({ period: 'custom', date: `${yesterday},${yesterday}` });
    expect(await page.textContent('.chart-body')).toContain('No visitors in this period yet.');
    expect(await page.textContent('[data-panel="pages"]')).toContain('Nothing recorded for this period.');
  });

  it('exports the current view as CSV with the numbers shown', async () => {
    await open('?period=day&prop=plan');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    expect(download.suggestedFilename()).toBe(`sightline-${SITE}-day.csv`);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    const [header, ...body] = rows;
    expect(header).toEqual(['section', 'property', 'value', 'visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'conversion_rate']);
    const column = (name: string) => header!.indexOf(name);

    const api = await server.stats<Aggregate>('aggregate', { site_id: SITE, period: 'day', metrics: TOP });
    const summary = body.find((row) => row[0] === 'summary')!;
    for (const metric of TOP.split(',')) expect(Number(summary[column(metric)])).toBe(api.results[metric]?.value);

    const pages = body.filter((row) => row[0] === 'Pages: Top pages');
    expect(pages.map((row) => [row[2], Number(row[column('visitors')]), Number(row[column('pageviews')])])).toEqual(
      (await panelRows(page, 'pages')).map((row) => [row.value, row.metrics.visitors, row.metrics.pageviews]),
    );
    const plan = body.filter((row) => row[0] === 'Event props: Prop: plan');
    expect(plan.map((row) => [row[2], row[column('events')]])).toEqual([['pro', '1']]);
    const hours = body.filter((row) => row[0] === 'timeseries');
    expect(hours.reduce((sum, row) => sum + Number(row[column('pageviews')]), 0)).toBe(SEEDED.pageviews);
  });

  it('paints the page and the totals without waiting for the panels', async () => {
    const held: Array<() => Promise<void>> = [];
    await page.route('**/api/v1/stats/breakdown?**', (route) => {
      held.push(() => route.continue());
    });
    await page.goto(`${server.base}/dashboard/${SITE}?period=day`);
    await page.waitForSelector('.top-stats[data-state="shown"]');
    await page.waitForSelector('.chart-body[data-state="shown"]', { state: 'attached' });
    expect(await page.isVisible('.chart-canvas canvas')).toBe(true);
    expect(await page.textContent('[data-panel="pages"] .panel-body')).toBe('Loading…');
    expect(await page.getAttribute('[data-panel="pages"] .panel-body', 'aria-busy')).toBe('true');
    await expectTopStatsMatch({ period: 'day' });

    expect(held.length).toBe(6);
    for (const release of held) await release();
    await settled(page);
    expect((await panelRows(page, 'pages')).map((row) => row.value)).toContain('/pricing');
  });

  // Adds a visitor: it comes after the tests that count the seeded ones.
  it('refreshes the current visitors by itself', async () => {
    await page.clock.install();
    await open('?period=day');
    const before = parseShown((await page.textContent('.live-count')) ?? '');
    await server.send({ ip: '203.0.113.9', userAgent: USER_AGENTS.chromeLinux }, { site: SITE, url: url('/about') });
    await page.clock.runFor(16_000);
    await page.waitForFunction((count) => document.querySelector('.live-count')?.textContent === String(count), (before ?? 0) + 1);
  });

  it('keeps the realtime view (the last 30 minutes, by the minute) current by itself', async () => {
    await page.clock.install();
    const minutes = page.waitForRequest(/\/timeseries\?.*period=30m.*interval=minute/);
    await open();
    await page.keyboard.press('r');
    await page.waitForURL(/period=30m/);
    await minutes;
    await settled(page);
    const before = (await expectTopStatsMatch({ period: '30m' })).pageviews?.value ?? 0;

    await server.send({ ip: '203.0.113.10', userAgent: USER_AGENTS.firefoxWindows }, { site: SITE, url: url('/pricing') });
    // The server caches a live range for seconds: let real time pass too, a fake refresh period at a time.
    const deadline = Date.now() + 15_000;
    while ((await topStats(page)).pageviews === before && Date.now() < deadline) {
      await page.clock.runFor(16_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect((await topStats(page)).pageviews).toBe(before + 1);
  });

  it('shows a change against an empty previous period as new, not as a rise of 100%', async () => {
    await open('?period=day');
    const changes = await page.$$eval('.stat', (cards) => cards.map((card) => [card.getAttribute('data-metric'), card.querySelector('.change')?.textContent]));
    expect(Object.fromEntries(changes)).toEqual({
      visitors: 'new',
      visits: 'new',
      pageviews: 'new',
      views_per_visit: '—',
      bounce_rate: '—',
      visit_duration: '—',
    });
  });

  it('says "(none)" for a value not recorded, in every panel', async () => {
    await open('?period=day');
    const none = await page.$$eval('td.name > .label', (labels) => labels.map((label) => label.textContent));
    expect(none.length).toBeGreaterThan(0);
    expect(new Set(none)).toEqual(new Set(['(none)']));
    expect(await page.textContent('body')).not.toContain('Direct / None');
  });

  it('shows an unknown site once, in one clear state with what to do', async () => {
    await page.goto(`${server.base}/dashboard/no-such-site.example`);
    await settled(page);
    // The browser logs each refused request on its own; nothing else may go wrong.
    problems = problems.filter((problem) => !/status of 404/.test(problem));
    const api = await fetch(`${server.base}/api/v1/stats/aggregate?site_id=no-such-site.example`);
    expect(api.status).toBe(404);
    const { error } = (await api.json()) as { error: string };
    expect(await page.$$eval('[role="alert"]', (elements) => elements.map((element) => element.textContent))).toEqual([error]);
    expect(await page.textContent('[data-page-state="unknown-site"] h2')).toBe('No site called no-such-site.example here');
    expect(await page.isVisible('main')).toBe(false);
    await screenshots('unknown');
  });

  it('shows too many requests once, and loads again by itself after the wait the server gives', async () => {
    let refused = true;
    await page.route('**/api/v1/stats/**', (route) =>
      refused
        ? route.fulfill({ status: 429, headers: { 'Retry-After': '2' }, contentType: 'application/json', body: JSON.stringify({ error: 'too many requests from this address; retry in 2 s' }) })
        : route.continue(),
    );
    await open('?period=day');
    expect(await page.$$eval('[role="alert"]', (elements) => elements.map((element) => element.textContent))).toEqual(['too many requests from this address; retry in 2 s']);
    expect(await page.textContent('[data-page-state="rate-limited"]')).toContain('load again by themselves in 2 s');
    refused = false;
    await page.waitForSelector('main:not([hidden]) .top-stats[data-state="shown"]', { timeout: 10_000 });
    await settled(page);
    await expectTopStatsMatch({ period: 'day' });
    problems = problems.filter((problem) => !/status of 429/.test(problem));
  });

  it.each(['light', 'dark'] as const)('keeps text readable (WCAG AA contrast) in the %s scheme', async (colorScheme) => {
    await page.emulateMedia({ colorScheme });
    await open('?period=day&filters=event:page%3D%3D/pricing');
    const text = ['h1 .brand', '.live', '.stat dt', '.stat-value', '.change', '.chip span', '.tabs button[aria-pressed="false"]', 'th', 'td.name a .label', 'td.num', 'footer p', 'footer a', '.prop-form label'];
    expect(await lowContrastText(page, text)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `desktop-filtered-${colorScheme}.png`), fullPage: true });
  });

  it('works at phone width and with the system dark mode', async () => {
    await context.close();
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await open('?period=day');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(17, 19, 24)');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-dark.png'), fullPage: true });
  });

  it('can be used with the keyboard alone: Tab reaches a row, Enter filters by it', async () => {
    await open('?period=day');
    let presses = 0;
    while (presses < 60 && (await page.evaluate(() => document.activeElement?.getAttribute('data-value'))) !== '/about') {
      await page.keyboard.press('Tab');
      presses++;
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-value'))).toBe('/about');
    await page.keyboard.press('Enter');
    await page.waitForURL(/filters=/);
    expect(new URL(page.url()).searchParams.get('filters')).toBe('event:page==/about');
    await settled(page);
    // Focus moves to the new filter's remove button, and the change is announced.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Remove filter: Page is /about');
    expect(await page.textContent('[aria-live="polite"]')).toBe('Showing Today, where Page is /about.');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !location.search.includes('filters'));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('period');
  });
});

describe('the dashboard of a private site', () => {
  const PRIVATE = 'private.example';
  let key: string;

  beforeAll(async () => {
    await server.admin('POST', '/api/sites', { domain: PRIVATE });
    const reader = { ip: '8.8.4.4', userAgent: USER_AGENTS.firefoxWindows };
    await server.send(reader, { site: PRIVATE, url: `https://${PRIVATE}/` });
    await server.send(reader, { site: PRIVATE, url: `https://${PRIVATE}/docs` });
    ({ key } = await server.admin<{ key: string }>('POST', `/api/sites/${PRIVATE}/keys`, { scopes: ['stats:read'] }));
  });

  /** The browser logs each refused request; those are the point here. */
  const refusedRequestsOnly = () => {
    problems = problems.filter((problem) => !/status of 40[13]/.test(problem));
  };

  it('sends a browser that is not signed in to the sign-in page, which offers the key instead', async () => {
    await page.goto(`${server.base}/dashboard/${PRIVATE}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/dashboard/${PRIVATE}`);
    await page.click('text=Open this dashboard with an API key instead');
    await page.waitForSelector('#api-key');
    await settled(page);
    expect(new URL(page.url()).pathname).toBe(`/dashboard/${PRIVATE}`);
    refusedRequestsOnly();
  });

  it('asks for the API key once, keeps it in the tab and out of the URL, and forgets it on request', async () => {
    await page.goto(`${server.base}/dashboard/${PRIVATE}?with=key`);
    await settled(page);
    expect(await page.isVisible('#api-key')).toBe(true);
    expect(await page.textContent('.key-form')).toContain('stats:read');
    // One request for a key, in place of the sections.
    expect(await page.$$('[role="alert"]')).toHaveLength(1);
    expect(await page.isVisible('main')).toBe(false);
    await screenshots('private');

    await page.fill('#api-key', 'sl_not-a-real-key');
    await page.click('.key-form button[type="submit"]');
    await page.waitForSelector('#api-key');
    await settled(page);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await page.fill('#api-key', key);
    await page.click('.key-form button[type="submit"]');
    await settled(page);
    expect(await page.$('#api-key')).toBeNull();
    const api = await server.stats<Aggregate>('aggregate', { site_id: PRIVATE, metrics: TOP }, key);
    expect((await topStats(page)).pageviews).toBe(api.results.pageviews?.value);
    expect(api.results.pageviews?.value).toBe(2);
    expect(page.url()).not.toContain(key);

    await page.reload();
    await settled(page);
    expect(await page.$('#api-key')).toBeNull();
    expect((await topStats(page)).visitors).toBe(1);

    await page.click('footer button.link');
    await page.waitForSelector('#api-key');
    await settled(page);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    refusedRequestsOnly();
  });

  it('says so when a key of another site is given', async () => {
    const { key: otherSite } = await server.admin<{ key: string }>('POST', `/api/sites/${SITE}/keys`, { scopes: ['stats:read'] });
    await page.goto(`${server.base}/dashboard/${PRIVATE}?with=key`);
    await settled(page);
    await page.fill('#api-key', otherSite);
    await page.click('.key-form button[type="submit"]');
    await page.waitForSelector('#api-key');
    await settled(page);
    const response = await fetch(`${server.base}/api/v1/stats/aggregate?site_id=${PRIVATE}`, { headers: { Authorization: `Bearer ${otherSite}` } });
    expect(response.status).toBe(403);
    const { error } = (await response.json()) as { error: string };
    expect(await page.textContent('.key-form')).toContain(error);
    refusedRequestsOnly();
  });
});

describe('a site with nothing recorded yet', () => {
  const EMPTY = 'new.example';

  beforeAll(async () => {
    await server.admin('POST', '/api/sites', { domain: EMPTY, public: true });
  });

  it('shows the snippet and waits for the first visit, then shows today, where all of it is', async () => {
    await page.goto(`${server.base}/dashboard/${EMPTY}`);
    await settled(page);
    await page.waitForSelector('[data-page-state="empty"]');
    expect(await page.isVisible('main')).toBe(false);
    expect(await page.textContent('.snippet')).toBe(`<script defer data-site="${EMPTY}" src="${server.base}/s.js"></script>`);
    expect(await page.textContent('.waiting')).toContain('Waiting for the first visit');
    await screenshots('empty');

    await server.send({ ip: '8.8.8.8', userAgent: USER_AGENTS.chromeLinux }, { site: EMPTY, url: `https://${EMPTY}/` });
    // It asks every 5 s; the server caches a range that includes today for a few seconds more.
    await page.waitForSelector('main:not([hidden]) .top-stats[data-state="shown"]', { timeout: 30_000 });
    await page.waitForFunction(() => (document.querySelector('#period') as HTMLSelectElement | null)?.value === 'day');
    await settled(page);
    expect(await page.$('[data-page-state="empty"]')).toBeNull();
    expect((await topStats(page)).visitors).toBe(1);
    expect(new URL(page.url()).search).toBe('');
  });
});

describe('a public site with more pages than a panel shows', () => {
  const MANY = 'many.example';
  const PAGES = 13;

  beforeAll(async () => {
    await server.admin('POST', '/api/sites', { domain: MANY });
    await server.admin('PATCH', `/api/sites/${MANY}`, { public: true });
    const reader = { ip: '8.8.4.4', userAgent: USER_AGENTS.chromeMac };
    for (let i = 1; i <= PAGES; i++) await server.send(reader, { site: MANY, url: `https://${MANY}/docs/${String(i).padStart(2, '0')}` });
  });

  it('pages through the rows with "Show more", in the order the API gives', async () => {
    await page.goto(`${server.base}/dashboard/${MANY}?period=day`);
    await settled(page);
    expect(await panelRows(page, 'pages')).toHaveLength(10);
    await page.click('[data-panel="pages"] button.more');
    await settled(page);
    const all = await server.stats<Breakdown>('breakdown', { site_id: MANY, period: 'day', property: 'event:page', metrics: 'visitors,pageviews', limit: '100' });
    expect(all.results).toHaveLength(PAGES);
    expect((await panelRows(page, 'pages')).map((row) => row.value)).toEqual(all.results.map((row) => row.page));
    expect(await page.isVisible('[data-panel="pages"] button.more')).toBe(false);
  });
});

describe('as a new user after the quickstart', () => {
  it('opens the dashboard from the link printed at start-up and sees the demo page visit within seconds', async () => {
    const before = await server.stats<Aggregate>('aggregate', { site_id: SITE, period: 'day', metrics: 'visitors,pageviews' });
    const link = /Dashboard:\s+(\S+)/.exec(server.output.join(''))?.[1];
    expect(link).toBe(`${server.base}/dashboard/${SITE}`);

    await context.close();
    // Headless Chromium names itself in its User-Agent, and ingest drops it as a bot.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: USER_AGENTS.chromeLinux });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${server.base}/`);
    await page.click('a[href="/pricing"]');
    await page.waitForURL(/\/pricing$/);

    await page.goto(link!);
    const deadline = Date.now() + 10_000;
    let shown = await (settled(page).then(() => topStats(page)));
    // Stats of a range that includes now are cached for a few seconds.
    while (shown.visitors === before.results.visitors?.value && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await page.reload();
      await settled(page);
      shown = await topStats(page);
    }
    expect(shown.visitors).toBe((before.results.visitors?.value ?? 0) + 1);
    expect(shown.pageviews).toBe((before.results.pageviews?.value ?? 0) + 2);
  });
});

describe('serving the dashboard', () => {
  it('sends a strict CSP with no inline script, and caches hashed assets for a year', async () => {
    const response = await fetch(`${server.base}/dashboard/${SITE}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const script = /src="([^"]+\.js)"/.exec(await response.text())![1]!;
    const asset = await fetch(`${server.base}${script}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('sends a bare /dashboard to the demo site, and answers a bad site or asset with a JSON 404', async () => {
    const bare = await fetch(`${server.base}/dashboard`, { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe(`/dashboard/${SITE}`);
    for (const bad of ['/dashboard/not a site', '/dashboard/_assets/dashboard-NOPE.js', '/dashboard/_assets/..%2Fpackage.json']) {
      const response = await fetch(`${server.base}${bad}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toBeTruthy();
    }
  });

  it('answers /favicon.ico, and the demo page fits a phone screen', async () => {
    const icon = await fetch(`${server.base}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/x-icon');
    await context.close();
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    page = await context.newPage();
    await page.goto(`${server.base}/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('is linked from the start-up banner of the demo, which also says how to add a site', () => {
    expect(server.output.join('')).toContain(`${server.base}/dashboard/${SITE}`);
    expect(server.output.join('')).toMatch(/Add a site: node \S*server\/dist\/cli\/main\.js site add your-site\.com/);
  });
});
