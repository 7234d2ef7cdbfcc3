/**
 * The goal conversions and funnel panels as a person uses them: a real server with known events,
 * goals and a funnel defined over the Sites API, Chromium opening the dashboard, and every number
 * on the page checked against the public stats API, and the API against what was sent.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildDashboard } from '../scripts/build.mjs';
import { panelRows, parseCsv, settled, topStats } from './support/dashboard-page.js';
import { launchChromium, SightlineServer, USER_AGENTS, type Visitor } from './support/sightline.js';

type Breakdown = { results: Array<Record<string, string | number | null>> };
type FunnelAnswer = { steps: Array<{ goal: string; visitors: number; conversion_rate: number; dropoff: number; dropoff_percentage: number }> };

const SITE = 'localhost';
const url = (pathname: string) => `http://${SITE}${pathname}`;

/** A: / /pricing Signup.  B: / Signup.  C: /pricing.  D: / */
const people = {
  a: { ip: '8.8.8.8', userAgent: USER_AGENTS.chromeLinux },
  b: { ip: '1.1.1.1', userAgent: USER_AGENTS.firefoxWindows },
  c: { ip: '81.2.69.142', userAgent: USER_AGENTS.safariIphone },
  d: { ip: '9.9.9.9', userAgent: USER_AGENTS.chromeMac },
} satisfies Record<string, Visitor>;

let server: SightlineServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  await buildDashboard();
  server = await SightlineServer.start();
  const { a, b, c, d } = people;
  await server.send(a, { site: SITE, url: url('/') });
  await server.send(a, { site: SITE, url: url('/pricing') });
  await server.send(a, { site: SITE, name: 'Signup', url: url('/pricing') });
  await server.send(b, { site: SITE, url: url('/') });
  await server.send(b, { site: SITE, name: 'Signup', url: url('/') });
  await server.send(c, { site: SITE, url: url('/pricing') });
  await server.send(d, { site: SITE, url: url('/') });
  for (const goal of [{ goal_type: 'event', event_name: 'Signup' }, { goal_type: 'page', page_path: '/pricing' }, { goal_type: 'page', page_path: '/' }]) {
    await server.admin('PUT', '/api/v1/sites/goals', { site_id: SITE, ...goal });
  }
  await server.admin('PUT', '/api/v1/sites/funnels', { site_id: SITE, name: 'Buy', steps: ['Visit /', 'Visit /pricing', 'Signup'] });
  await server.admin('PUT', '/api/v1/sites/funnels', { site_id: SITE, name: 'Pricing first', steps: ['Visit /pricing', 'Signup'] });
  browser = await launchChromium();
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
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${server.base}/dashboard/${SITE}?period=day`);
  await settled(page);
});

afterEach(async () => {
  await context.close();
  expect(problems).toEqual([]);
});

const funnelShown = () =>
  page.$$eval('[data-panel="funnel"] .funnel-step', (steps) => steps.map((step) => Number(step.getAttribute('data-visitors'))));
const dropsShown = () =>
  page.$$eval('[data-panel="funnel"] .funnel-drop', (drops) =>
    drops.map((drop) => [Number(drop.getAttribute('data-dropoff')), Number(drop.getAttribute('data-dropoff-percentage'))]),
  );

describe('the goal conversions panel', () => {
  it('shows each goal\'s uniques, total and conversion rate as the API gives them', async () => {
    const api = await server.stats<Breakdown>('breakdown', { site_id: SITE, period: 'day', property: 'event:goal', metrics: 'visitors,events,conversion_rate' });
    // 4 visitors: / by A B D, Signup by A B, /pricing by A C.
    expect(api.results).toEqual([
      { goal: 'Visit /', visitors: 3, events: 3, conversion_rate: 75 },
      { goal: 'Signup', visitors: 2, events: 2, conversion_rate: 50 },
      { goal: 'Visit /pricing', visitors: 2, events: 2, conversion_rate: 50 },
    ]);
    expect(await panelRows(page, 'goals')).toEqual(
      api.results.map((row) => ({ value: String(row.goal), metrics: { visitors: row.visitors, events: row.events, conversion_rate: row.conversion_rate } })),
    );
    expect(await page.textContent('[data-panel="goals"] thead')).toMatch(/Uniques.*Total.*Conv\. rate/);
  });

  it('filters the dashboard by a clicked goal', async () => {
    await page.click('[data-panel="goals"] a[data-value="Signup"]');
    await page.waitForURL(/filters=/);
    expect(new URL(page.url()).searchParams.get('filters')).toBe('event:goal==Signup');
    await settled(page);
    expect(await page.textContent('.chips')).toContain('Goal is Signup');
    const api = await server.stats<{ results: Record<string, { value: number }> }>('aggregate', { site_id: SITE, period: 'day', metrics: 'visitors,pageviews', filters: 'event:goal==Signup' });
    expect(api.results.visitors?.value).toBe(2);
    expect((await topStats(page)).visitors).toBe(api.results.visitors?.value);
  });

  it('is in the CSV export', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const [header, ...body] = parseCsv(readFileSync((await download.path())!, 'utf8'));
    const rate = header!.indexOf('conversion_rate');
    expect(rate).toBeGreaterThan(0);
    const goals = body.filter((row) => row[0] === 'Goal conversions: Goals');
    expect(goals.map((row) => [row[2], Number(row[header!.indexOf('visitors')]), Number(row[rate])])).toEqual(
      (await panelRows(page, 'goals')).map((row) => [row.value, row.metrics.visitors, row.metrics.conversion_rate]),
    );
  });
});

describe('the funnel panel', () => {
  it('shows a bar per step and the drop-off between them, as the API gives them', async () => {
    const api = await server.stats<FunnelAnswer>('funnel', { site_id: SITE, period: 'day', funnel: 'Buy' });
    // / by A B D; then /pricing by A; then Signup by A.
    expect(api.steps.map((step) => step.visitors)).toEqual([3, 1, 1]);
    expect(await funnelShown()).toEqual(api.steps.map((step) => step.visitors));
    expect(await dropsShown()).toEqual(api.steps.slice(1).map((step) => [step.dropoff, step.dropoff_percentage]));
    expect(await page.textContent('[data-panel="funnel"] .funnel-step:last-child')).toContain('3. Signup');
  });

  it('switches to another of the site\'s funnels', async () => {
    await page.selectOption('#funnel-choice', 'Pricing first');
    await page.waitForFunction(() => document.querySelectorAll('[data-panel="funnel"] .funnel-step').length === 2);
    const api = await server.stats<FunnelAnswer>('funnel', { site_id: SITE, period: 'day', funnel: 'Pricing first' });
    // /pricing by A C; then Signup by A.
    expect(api.steps.map((step) => step.visitors)).toEqual([2, 1]);
    expect(await funnelShown()).toEqual([2, 1]);
  });
});
