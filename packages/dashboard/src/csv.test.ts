import { snapshotRows, toCsv } from './csv.js';
import { formatChange, formatDuration, formatMetric } from './format.js';
import { PANELS } from './properties.js';

describe('CSV export', () => {
  it('quotes separators and defuses spreadsheet formulas in visitor-supplied values', () => {
    expect(toCsv([['a,b', 'say "hi"', '=HYPERLINK("x")', '-1', -1, null]])).toBe('"a,b","say ""hi""","\'=HYPERLINK(""x"")",\'-1,-1,\r\n');
  });

  it('has one row per total, bucket and breakdown row, with a column per metric', () => {
    const pages = PANELS[0]!.tabs[0]!;
    const rows = snapshotRows({
      aggregate: { visitors: { value: 3, change: 50 }, pageviews: { value: 5, change: 100 } },
      timeseries: [{ date: '2026-11-28', visitors: 3, pageviews: 5 }],
      breakdowns: [{ title: 'Pages', tab: pages, rows: [{ page: '/', visitors: 2, pageviews: 3 }, { page: null, visitors: 1, pageviews: 2 }] }],
    });
    expect(rows).toEqual([
      ['section', 'property', 'value', 'visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'conversion_rate'],
      ['summary', '', '', 3, undefined, 5, undefined, undefined, undefined, undefined, undefined],
      ['change vs previous period', '', '', 50, undefined, 100, undefined, undefined, undefined, undefined, undefined],
      ['timeseries', 'date', '2026-11-28', 3, undefined, 5, undefined, undefined, undefined, undefined, undefined],
      ['Pages: Top pages', 'event:page', '/', 2, undefined, 3, undefined, undefined, undefined, undefined, undefined],
      ['Pages: Top pages', 'event:page', '(none)', 1, undefined, 2, undefined, undefined, undefined, undefined, undefined],
    ]);
  });
});

describe('numbers as shown', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [65, '1m 05s'],
    [3725, '1h 02m'],
  ])('%d seconds read %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('formats each metric in its unit', () => {
    expect(formatMetric('visitors', 12345)).toBe('12,345');
    expect(formatMetric('bounce_rate', 40)).toBe('40%');
    expect(formatMetric('views_per_visit', 1.5)).toBe('1.5');
    expect(formatMetric('conversion_rate', 71.4)).toBe('71.4%');
    expect(formatMetric('conversion_rate', 50)).toBe('50.0%');
    expect(formatMetric('visits', undefined)).toBe('–');
  });

  it('counts a falling bounce rate as good and states its change in points', () => {
    expect(formatChange('bounce_rate', -5)).toEqual({ text: '↓ 5 pt', label: 'down 5 pt from the previous period', tone: 'good' });
    expect(formatChange('visitors', -5)?.tone).toBe('bad');
    expect(formatChange('visitors', 0)?.tone).toBe('flat');
    expect(formatChange('visitors', undefined)).toBeNull();
  });
});
