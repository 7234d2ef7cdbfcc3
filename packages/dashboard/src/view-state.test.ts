import { formatFilters, parseFilters, withFilter, withoutFilter, type Filter } from './filters.js';
import { intervalFor, previousPeriod } from './periods.js';
import { queryParams, readViewState, writeViewState, type ViewState } from './view-state.js';

describe('filters in the API syntax', () => {
  const cases: Array<[string, Filter[]]> = [
    ['event:page==/blog', [{ property: 'event:page', operator: '==', values: ['/blog'] }]],
    ['visit:country!=DE|FR', [{ property: 'visit:country', operator: '!=', values: ['DE', 'FR'] }]],
    ['event:page~blog;visit:source!~Goo', [
      { property: 'event:page', operator: '~', values: ['blog'] },
      { property: 'visit:source', operator: '!~', values: ['Goo'] },
    ]],
    ['event:props:plan==a\\|b|c\\;d\\\\e', [{ property: 'event:props:plan', operator: '==', values: ['a|b', 'c;d\\e'] }]],
  ];

  it.each(cases)('reads %s and writes it back unchanged', (text, filters) => {
    expect(parseFilters(text)).toEqual(filters);
    expect(formatFilters(filters)).toBe(text);
  });

  it('drops clauses it cannot read instead of failing the whole view', () => {
    expect(parseFilters('nonsense;event:page==/a;visit:country==')).toEqual([{ property: 'event:page', operator: '==', values: ['/a'] }]);
  });

  it('replaces a filter on the same property when a row is clicked, and removes by position', () => {
    const start = parseFilters('event:page==/a;visit:country==DE');
    const next = withFilter(start, 'event:page', '/b');
    expect(formatFilters(next)).toBe('visit:country==DE;event:page==/b');
    expect(formatFilters(withoutFilter(next, 0))).toBe('event:page==/b');
  });
});

describe('the view in the URL', () => {
  const views: ViewState[] = [
    { period: '30d', filters: [] },
    { period: '30m', filters: [] },
    { period: 'day', filters: [{ property: 'event:page', operator: '==', values: ['/pricing?x=1&y=2'] }] },
    { period: 'custom', range: ['2026-11-01', '2026-11-28'], filters: [], prop: 'plan' },
  ];

  it.each(views)('round-trips %j', (view) => {
    expect(readViewState(writeViewState(view))).toEqual(view);
  });

  it('leaves the default period out, so the bare URL is the default view', () => {
    expect(writeViewState({ period: '30d', filters: [] })).toBe('');
  });

  it('falls back to the default period on an unknown period or a bad custom range', () => {
    expect(readViewState('?period=forever').period).toBe('30d');
    expect(readViewState('?period=custom&date=2026-11-28,2026-11-01').period).toBe('30d');
    expect(readViewState('?period=custom&date=2026-02-30,2026-03-01').period).toBe('30d');
  });

  it('asks the API with the same parameter names, and never with a key', () => {
    const view = readViewState('?period=custom&date=2026-11-01,2026-11-07&filters=visit:country%3D%3DDE');
    expect(queryParams('example.com', view)).toEqual({ site_id: 'example.com', period: 'custom', date: '2026-11-01,2026-11-07', filters: 'visit:country==DE' });
  });
});

describe('chart buckets', () => {
  it.each([
    ['30m', undefined, 'minute'],
    ['day', undefined, 'hour'],
    ['7d', undefined, 'day'],
    ['12mo', undefined, 'month'],
    ['custom', ['2026-11-05', '2026-11-05'], 'hour'],
    ['custom', ['2026-01-01', '2026-03-31'], 'day'],
    ['custom', ['2025-01-01', '2026-03-31'], 'month'],
  ] as const)('%s %j is drawn by %s', (period, range, interval) => {
    expect(intervalFor(period, range)).toBe(interval);
  });
});

describe('the comparison line', () => {
  it.each([
    ['day', '2026-11-28 00:00:00', undefined, { period: 'day', date: '2026-11-27' }],
    ['7d', '2026-11-22', undefined, { period: '7d', date: '2026-11-21' }],
    ['month', '2026-03-01', undefined, { period: 'month', date: '2026-02-28' }],
    ['12mo', '2025-12-01', undefined, { period: '12mo', date: '2025-11-30' }],
    ['custom', '2026-11-10', ['2026-11-10', '2026-11-16'], { period: 'custom', date: '2026-11-03,2026-11-09' }],
  ] as const)('for %s starting %s is the period just before', (period, first, range, expected) => {
    expect(previousPeriod(period, first, range)).toEqual(expected);
  });
});
