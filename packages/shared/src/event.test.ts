import { LIMITS, parseEventPayload, PAGEVIEW } from './index.js';

const valid = { site: 'example.com', url: 'https://example.com/blog?utm_source=x' };

describe('parseEventPayload', () => {
  it('accepts a minimal pageview and fills the default name', () => {
    const result = parseEventPayload(valid);
    expect(result.success && result.data).toEqual({ ...valid, name: PAGEVIEW });
  });

  it('reads the one-letter wire keys', () => {
    const result = parseEventPayload({ s: 'Example.COM', n: 'Signup', u: valid.url, r: 'https://t.co/', w: 1280, p: { plan: 'pro' } });
    expect(result.success && result.data).toEqual({
      site: 'example.com',
      name: 'Signup',
      url: valid.url,
      referrer: 'https://t.co/',
      screen_width: 1280,
      props: { plan: 'pro' },
    });
  });

  it.each([
    ['a missing url', { site: 'example.com' }],
    ['a relative url', { ...valid, url: '/blog' }],
    ['a javascript: url', { ...valid, url: 'javascript:alert(1)' }],
    ['a site that is not a domain', { ...valid, site: 'not a domain' }],
    ['nested props', { ...valid, props: { a: { b: 1 } } }],
    ['too many props', { ...valid, props: Object.fromEntries(Array.from({ length: LIMITS.maxProps + 1 }, (_, i) => [`k${i}`, i])) }],
    ['an over-long prop value', { ...valid, props: { a: 'x'.repeat(LIMITS.maxPropValueLength + 1) } }],
    ['a negative screen width', { ...valid, screen_width: -1 }],
    ['a non-integer engagement time', { ...valid, engagement_ms: 1.5 }],
    ['a lone surrogate in the event name', { ...valid, name: 'Sign\uD800up' }],
    ['a lone surrogate in a prop value', { ...valid, props: { plan: '\uDFFF' } }],
    ['a lone surrogate in a prop key', { ...valid, props: { ['k\uD83D']: 'v' } }],
    ['an id shorter than 8 characters', { ...valid, id: 'abc' }],
    ['an id longer than 64 characters', { ...valid, id: 'x'.repeat(65) }],
    ['an id with a space', { ...valid, id: 'abcd efgh' }],
    ['an id that is not a string', { ...valid, id: 12345678 }],
    ['an array body', [valid]],
    ['a string body', 'pageview'],
    ['null', null],
  ])('rejects %s', (_label, body) => {
    expect(parseEventPayload(body).success).toBe(false);
  });

  it('accepts an event id in either spelling, and emoji (whole surrogate pairs) in names', () => {
    expect(parseEventPayload({ ...valid, id: 'k2QeW9-x_1' }).success && parseEventPayload({ ...valid, x: 'k2QeW9-x_1' }).success).toBe(true);
    const result = parseEventPayload({ ...valid, x: '0123456789abcdef', name: 'Signup 🎉' });
    expect(result.success && [result.data.id, result.data.name]).toEqual(['0123456789abcdef', 'Signup 🎉']);
  });

  it('drops fields it does not know, so a newer tracker is not refused, and lets the long spelling win', () => {
    const result = parseEventPayload({ ...valid, s: 'other.com', scroll: 80, admin: true });
    expect(result.success && result.data).toEqual({ ...valid, name: PAGEVIEW });
  });

  it('keeps a __proto__ prop key as data, never as a prototype', () => {
    const body = JSON.parse(`{"site":"example.com","url":"https://example.com/","props":{"__proto__":{"polluted":true}}}`);
    const result = parseEventPayload(body);
    expect(result.success).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Bodies exactly as Plausible's scripts and its Events API send them. */
describe("Plausible's beacon", () => {
  const parsed = (body: unknown) => {
    const result = parseEventPayload(body);
    if (!result.success) throw new Error(JSON.stringify(result.error.issues));
    return result.data;
  };

  it('reads the pageview of the current script, dropping its version, interactive flag and the URL fragment', () => {
    const body = { n: 'pageview', v: 30, u: 'https://example.com/docs?x=1#install', d: 'example.com', r: 'https://www.google.com/' };
    expect(parsed(body)).toEqual({ site: 'example.com', name: 'pageview', url: 'https://example.com/docs?x=1', referrer: 'https://www.google.com/' });
  });

  it('keeps the fragment for hash-based routing', () => {
    expect(parsed({ n: 'pageview', u: 'https://example.com/#/settings', d: 'example.com', r: null, h: 1 }).url).toBe('https://example.com/#/settings');
  });

  it("reads a custom event with props, revenue and interactive: false, as the script's plausible() sends it", () => {
    const body = { n: 'Purchase', v: 30, u: 'https://example.com/checkout', d: 'example.com', r: null, p: { plan: 'pro', seats: 3, empty: '' }, $: { amount: '9.99', currency: 'EUR' }, i: false };
    expect(parsed(body)).toEqual({ site: 'example.com', name: 'Purchase', url: 'https://example.com/checkout', referrer: null, props: { plan: 'pro', seats: 3 } });
  });

  it('reads the legacy script: props as JSON text, screen width, hash flag off', () => {
    const body = { n: 'Signup', u: 'https://example.com/join', d: 'example.com', r: null, w: 1280, h: 0, p: '{"method":"email"}' };
    expect(parsed(body)).toEqual({ site: 'example.com', name: 'Signup', url: 'https://example.com/join', referrer: null, screen_width: 1280, props: { method: 'email' } });
  });

  it('reads an engagement event with its time on page, dropping scroll depth', () => {
    const body = { n: 'engagement', v: 30, u: 'https://example.com/docs', d: 'example.com', r: null, sd: 64, e: 12_345 };
    expect(parsed(body)).toEqual({ site: 'example.com', name: 'engagement', url: 'https://example.com/docs', referrer: null, engagement_ms: 12_345 });
  });

  it("reads the Events API's long names", () => {
    const body = { name: 'Download', url: 'https://example.com/files', domain: 'example.com', referrer: 'https://news.ycombinator.com/', props: { file: 'a.pdf' }, revenue: { amount: 1, currency: 'USD' }, interactive: true };
    expect(parsed(body)).toEqual({ site: 'example.com', name: 'Download', url: 'https://example.com/files', referrer: 'https://news.ycombinator.com/', props: { file: 'a.pdf' } });
  });

  it.each([
    ['several domains', { n: 'pageview', u: 'https://a.com/', d: 'a.com,b.com' }],
    ['props that are not JSON', { n: 'pageview', u: 'https://a.com/', d: 'a.com', p: '{plan' }],
    ['a relative url', { n: 'pageview', u: '/', d: 'a.com' }],
  ])('refuses %s', (_label, body) => {
    expect(parseEventPayload(body).success).toBe(false);
  });
});
