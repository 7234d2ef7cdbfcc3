import { AggregateQuerySchema, BreakdownQuerySchema, isPropertyName, parseFilters } from './index.js';

describe('parseFilters', () => {
  it('splits clauses on ; and values on |, honouring backslash escapes', () => {
    expect(parseFilters('event:page==/blog/*|/docs;visit:country!=DE;event:props:q~a\\;b\\|c\\\\')).toEqual([
      { property: 'event:page', operator: '==', values: ['/blog/*', '/docs'] },
      { property: 'visit:country', operator: '!=', values: ['DE'] },
      { property: 'event:props:q', operator: '~', values: ['a;b|c\\'] },
    ]);
    expect(parseFilters('visit:browser!~fox')).toEqual([{ property: 'visit:browser', operator: '!~', values: ['fox'] }]);
    expect(parseFilters(' ')).toEqual([]);
  });

  it('keeps = and ~ inside values after the first operator', () => {
    expect(parseFilters('event:page==/a==b~c')).toEqual([{ property: 'event:page', operator: '==', values: ['/a==b~c'] }]);
  });

  it.each([
    ['event:page', /no operator/],
    ['visit:colour==red', /unknown property "visit:colour"; allowed: event:page/],
    ['event:props:==x', /unknown property "event:props:"/],
    ['event:page==a||b', /empty value/],
    ['event:page~a\u0000b', /"event:page" has a value with a NUL character \(%00\); filter values may not contain one/],
    ['visit:source==Google|\u0000', /NUL character/],
  ])('refuses %s', (text, message) => {
    expect(parseFilters(text)).toMatch(message);
  });
});

describe('query schemas', () => {
  it('normalizes metrics to a set in a fixed order', () => {
    const parsed = AggregateQuerySchema.parse({ site_id: 'Example.com', metrics: 'events, visitors,visitors' });
    expect(parsed).toEqual({ site_id: 'example.com', period: '30d', metrics: ['visitors', 'events'] });
  });

  it('knows property names', () => {
    expect(['event:page', 'visit:utm_term', 'event:props:plan'].every(isPropertyName)).toBe(true);
    expect(['page', 'visit:', 'event:props:a b', 'event:props:a"b'].some(isPropertyName)).toBe(false);
  });

  it('says filters is too long, not given twice, when it is over its length', () => {
    const parsed = AggregateQuerySchema.safeParse({ site_id: 'example.com', filters: `event:page==${'a'.repeat(4000)}` });
    expect(parsed.success || parsed.error.issues.map((issue) => issue.message)).toEqual(['filters must be at most 4000 characters']);
    const twice = AggregateQuerySchema.safeParse({ site_id: 'example.com', filters: ['event:page==/', 'event:page==/a'] });
    expect(twice.success || twice.error.issues.map((issue) => issue.message)).toEqual(['filters must be given once']);
  });

  it('refuses a breakdown by a prop named like one of its metrics', () => {
    const parsed = BreakdownQuerySchema.safeParse({ site_id: 'example.com', property: 'event:props:visitors', metrics: 'pageviews,visitors' });
    expect(parsed.success || parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['property', expect.stringMatching(/the prop "visitors" has the name of the metric visitors/)],
    ]);
    expect(BreakdownQuerySchema.safeParse({ site_id: 'example.com', property: 'event:props:visitors', metrics: 'pageviews' }).success).toBe(true);
  });
});
