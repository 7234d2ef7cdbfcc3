import { formatChange } from './format.js';
import { youngSitePeriod } from './periods.js';

describe('formatChange', () => {
  it('gives no rise against an empty previous period: a count is new, a rate has nothing to compare', () => {
    expect(formatChange('visitors', 100, true)?.text).toBe('new');
    expect(formatChange('pageviews', 100, true)?.text).toBe('new');
    expect(formatChange('bounce_rate', 50, true)?.text).toBe('—');
    expect(formatChange('visit_duration', 100, true)?.text).toBe('—');
  });

  it('shows the change otherwise, bounce rate in points with falling as good', () => {
    expect(formatChange('visitors', 12)).toEqual({ text: '↑ 12%', label: 'up 12% from the previous period', tone: 'good' });
    expect(formatChange('bounce_rate', 5)).toMatchObject({ text: '↑ 5 pt', tone: 'bad' });
    expect(formatChange('visitors', undefined)).toBeNull();
  });
});

describe('youngSitePeriod', () => {
  const days = (...visitors: number[]) => visitors.map((count) => ({ visitors: count, pageviews: count }));

  it('picks today for a site whose first visit is today, the last 7 days within a week, else keeps the default', () => {
    expect(youngSitePeriod(days(0, 0, 0, 0, 0, 0, 0, 0, 3))).toBe('day');
    expect(youngSitePeriod(days(0, 0, 0, 1, 0, 0, 0, 0, 3))).toBe('7d');
    expect(youngSitePeriod(days(1, 0, 0, 0, 0, 0, 0, 0, 3))).toBeUndefined();
    expect(youngSitePeriod(days(0, 0, 0))).toBeUndefined();
  });
});
