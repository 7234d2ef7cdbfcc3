/**
 * The ignore rules and the payload, against a minimal fake of the browser globals track() reads.
 * Whatever it sends is checked with the server's schema. The browser tests cover the rest.
 */
import { parseEventPayload } from '@sightline/shared';
import type { Settings } from './config.js';
import { createTrack } from './track.js';

interface FakeBrowser {
  href?: string;
  referrer?: string;
  webdriver?: boolean;
  prerendering?: boolean;
  storage?: Record<string, string> | 'blocked';
  globalPrivacyControl?: boolean;
  doNotTrack?: string;
}

const sent: unknown[] = [];
const GLOBALS = ['location', 'navigator', 'document', 'localStorage', 'innerWidth', 'fetch'] as const;

function fakeBrowser({ href = 'https://example.com/', referrer = '', storage = {}, ...rest }: FakeBrowser = {}): void {
  const define = (name: string, value: unknown, get?: () => unknown) =>
    Object.defineProperty(globalThis, name, get ? { get, configurable: true } : { value, configurable: true });
  define('location', new URL(href));
  define('document', { referrer, prerendering: rest.prerendering ?? false });
  define('innerWidth', 1280);
  define('navigator', {
    webdriver: rest.webdriver ?? false,
    globalPrivacyControl: rest.globalPrivacyControl,
    doNotTrack: rest.doNotTrack ?? null,
  });
  define('fetch', async (_url: string, init: { body: string; keepalive: boolean }) => {
    expect(init.keepalive).toBe(true);
    sent.push(JSON.parse(init.body));
    return { ok: true };
  });
  define('localStorage', undefined, () => {
    if (storage === 'blocked') throw new DOMException('The operation is insecure.', 'SecurityError');
    return storage;
  });
}

const settings: Settings = { site: 'example.com', allowLocalhost: '', allowAutomation: '' };
const track = (extra: Partial<Settings> = {}, ...args: Parameters<ReturnType<typeof createTrack>>) =>
  createTrack({ ...settings, ...extra }, 'https://stats.example.com/api/event')(...args);

beforeEach(() => {
  sent.length = 0;
});
afterAll(() => {
  for (const name of GLOBALS) delete (globalThis as Record<string, unknown>)[name];
});

describe('the payload', () => {
  it('is a pageview the server accepts: url without the hash, referrer, viewport width, an event id and no visitor identifier', () => {
    fakeBrowser({ href: 'https://example.com/pricing?utm_source=x#faq', referrer: 'https://t.co/' });
    expect(track({}, 'pageview')).toBe('https://example.com/pricing?utm_source=x');
    expect(sent).toEqual([
      { s: 'example.com', n: 'pageview', u: 'https://example.com/pricing?utm_source=x', r: 'https://t.co/', w: 1280, x: expect.any(String) },
    ]);
    expect(parseEventPayload(sent[0]).success).toBe(true);
  });

  it('gives every event an id of its own', () => {
    fakeBrowser();
    for (let i = 0; i < 1000; i++) track({}, 'pageview');
    const ids = sent.map((body) => (body as { x: string }).x);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => parseEventPayload({ site: 'example.com', url: 'https://example.com/', x: id }).success)).toBe(true);
  });

  it('drops the query string of a hash route, where single-page apps carry tokens', () => {
    fakeBrowser({ href: 'https://example.com/app#/reset-password?token=SECRET&email=alice%40example.com' });
    expect(track({ hash: '' }, 'pageview')).toBe('https://example.com/app#/reset-password');
    expect(JSON.stringify(sent)).not.toMatch(/SECRET|alice/);
  });

  it.each([
    ['tags first', '#/landing?utm_source=news&utm_campaign=spring&token=SECRET', '#/landing?utm_source=news&utm_campaign=spring'],
    ['a secret first', '#/landing?token=SECRET&utm_medium=email&email=alice%40example.com&utm_content=hero', '#/landing?utm_medium=email&utm_content=hero'],
    ['no tags', '#/reset?token=SECRET&email=alice%40example.com', '#/reset'],
    ['an empty query', '#/landing?', '#/landing'],
    ['a name that only contains utm_', '#/landing?xutm_source=SECRET&utm_term=shoes', '#/landing?utm_term=shoes'],
  ])("keeps only the UTM tags of a hash route's query string, the page's own left as it is: %s", (_case, hash, kept) => {
    fakeBrowser({ href: `https://example.com/app?utm_source=page&ref=x${hash}` });
    expect(track({ hash: '' }, 'pageview')).toBe(`https://example.com/app?utm_source=page&ref=x${kept}`);
    expect(JSON.stringify(sent)).not.toMatch(/SECRET|alice/);
    expect(parseEventPayload(sent[0]).success).toBe(true);
  });

  it('sends no hash at all without data-hash, UTM tags in it included', () => {
    fakeBrowser({ href: 'https://example.com/app#/landing?utm_source=news' });
    expect(track({}, 'pageview')).toBe('https://example.com/app');
  });

  it('keeps the hash with data-hash, and carries props, a url and engagement time', () => {
    fakeBrowser({ href: 'https://example.com/#/inbox' });
    track({ hash: '' }, 'engagement', { url: 'https://example.com/#/settings', engagementMs: 1500 });
    track({ hash: '' }, 'Signup', { props: { plan: 'pro', seats: 3, trial: false } });
    expect(sent).toMatchObject([
      { n: 'engagement', u: 'https://example.com/#/settings', e: 1500 },
      { n: 'Signup', u: 'https://example.com/#/inbox', p: { plan: 'pro', seats: 3, trial: false } },
    ]);
    expect(sent.map((body) => parseEventPayload(body).success)).toEqual([true, true]);
  });

  it('is dropped quietly when the url is not a URL', () => {
    fakeBrowser();
    expect(track({}, 'pageview', { url: 'not a url' })).toBeUndefined();
    expect(sent).toEqual([]);
  });
});

describe('the ignore rules', () => {
  it.each<[string, Partial<Settings>, FakeBrowser]>([
    ['localhost', { allowLocalhost: undefined }, { href: 'http://localhost:3000/' }],
    ['127.*', { allowLocalhost: undefined }, { href: 'http://127.0.0.1:8080/' }],
    ['a file: page', { allowLocalhost: undefined }, { href: 'file:///home/me/index.html' }],
    ['an automated browser', { allowAutomation: undefined }, { webdriver: true }],
    ['a prerendered page', {}, { prerendering: true }],
    ['the opt-out flag', {}, { storage: { sightline_ignore: 'true' } }],
    ['blocked storage: the opt-out cannot be read', {}, { storage: 'blocked' }],
    ['Global Privacy Control with data-respect-dnt', { respectDnt: '' }, { globalPrivacyControl: true }],
    ['Do Not Track with data-respect-dnt', { respectDnt: '' }, { doNotTrack: '1' }],
  ])('send nothing for %s', (_case, extra, browser) => {
    fakeBrowser(browser);
    expect(track(extra, 'pageview')).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it.each<[string, Partial<Settings>, FakeBrowser]>([
    ['localhost with data-allow-localhost', {}, { href: 'http://localhost:3000/' }],
    ['a host that only starts with localhost', { allowLocalhost: undefined }, { href: 'https://localhost.example.com/' }],
    ['an automated browser with data-allow-automation', {}, { webdriver: true }],
    ['Global Privacy Control without data-respect-dnt', {}, { globalPrivacyControl: true }],
    ['an opt-out flag set to something else', {}, { storage: { sightline_ignore: 'false' } }],
  ])('send for %s', (_case, extra, browser) => {
    fakeBrowser(browser);
    expect(track(extra, 'pageview')).toBeDefined();
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['/admin/*', '/admin/users', true],
    ['/admin/*', '/admin', false],
    ['/admin/*', '/administrator', false],
    ['/admin*', '/administrator', true],
    ['/admin/*, /preview/*', '/preview/drafts/1', true],
    ['/admin/*,/preview/*', '/pricing', false],
    ['/blog/*/edit', '/blog/2026/a-post/edit', true],
    ['/blog/*/edit', '/blog/2026/a-post', false],
    ['/docs', '/docs/', false],
    ['*', '/anything', true],
  ])('data-exclude="%s" on %s: excluded %s', (exclude, path, excluded) => {
    fakeBrowser({ href: `https://example.com${path}` });
    track({ exclude }, 'pageview');
    expect(sent).toHaveLength(excluded ? 0 : 1);
  });

  it('matches exclusions against the hash route with data-hash', () => {
    fakeBrowser({ href: 'https://example.com/#/admin/users' });
    expect(track({ hash: '', exclude: '/#/admin/*' }, 'pageview')).toBeUndefined();
  });

  it('matches exclusions against the hash route without its UTM tags', () => {
    fakeBrowser({ href: 'https://example.com/#/admin?utm_source=news' });
    expect(track({ hash: '', exclude: '/#/admin' }, 'pageview')).toBeUndefined();
    expect(sent).toEqual([]);
  });
});
