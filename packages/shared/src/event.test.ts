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
    ['an unknown field', { ...valid, extra: 1 }],
    ['a field spelled both ways', { ...valid, s: 'other.com' }],
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

  it('keeps a __proto__ prop key as data, never as a prototype', () => {
    const body = JSON.parse(`{"site":"example.com","url":"https://example.com/","props":{"__proto__":{"polluted":true}}}`);
    const result = parseEventPayload(body);
    expect(result.success).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
