/** The periods the picker offers, in the API's names, with their keyboard shortcuts. */
import type { Interval, Period } from './api.js';

export interface PeriodOption {
  id: Period;
  label: string;
  /** Plausible's shortcuts where it has one, so its users feel at home. */
  key: string;
}

export const PERIOD_OPTIONS: PeriodOption[] = [
  { id: '30m', label: 'Realtime', key: 'r' },
  { id: 'day', label: 'Today', key: 'd' },
  { id: '7d', label: 'Last 7 days', key: 'w' },
  { id: '30d', label: 'Last 30 days', key: 't' },
  { id: 'month', label: 'This month', key: 'm' },
  { id: '6mo', label: 'Last 6 months', key: 's' },
  { id: '12mo', label: 'Last 12 months', key: 'y' },
  { id: 'custom', label: 'Custom range', key: 'c' },
];

/** The API's default period, so a bare dashboard URL and a bare API call cover the same days. */
export const DEFAULT_PERIOD: Period = '30d';

const DAY_MS = 86_400_000;

/** Buckets for the chart: 30 minutes by the minute, a day by the hour, up to ~3 months by the day, then by the month. */
export function intervalFor(period: Period, range?: readonly [string, string]): Interval {
  if (period === '30m') return 'minute';
  if (period === 'day') return 'hour';
  if (period === '6mo' || period === '12mo') return 'month';
  if (period === 'custom' && range) {
    const days = (Date.parse(range[1]) - Date.parse(range[0])) / DAY_MS + 1;
    if (days <= 1) return 'hour';
    if (days > 95) return 'month';
  }
  return 'day';
}

export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The period of the same kind just before the one shown, as API parameters. It is found from the
 * first bucket the API returned, which is already in the site's time zone: the previous period
 * ends the day before it (a month before for `month`, 6 or 12 months before for those).
 */
export function previousPeriod(period: Period, firstBucket: string, range?: readonly [string, string]): { period: Period; date: string } {
  const dayBefore = shiftDay(firstBucket.slice(0, 10), -1);
  if (period === 'custom' && range) {
    const days = Math.round((Date.parse(range[1]) - Date.parse(range[0])) / DAY_MS) + 1;
    return { period, date: `${shiftDay(range[0], -days)},${shiftDay(range[0], -1)}` };
  }
  return { period, date: dayBefore };
}

/**
 * For a site with nothing before the default period: the shortest period that holds all it has
 * recorded (today, or the last 7 days), or undefined when the default one fits. `rows` are the
 * default period's days, oldest first.
 */
export function youngSitePeriod(rows: ReadonlyArray<{ visitors?: number | null; pageviews?: number | null }>): Period | undefined {
  const first = rows.findIndex((row) => (row.visitors ?? 0) > 0 || (row.pageviews ?? 0) > 0);
  if (first === -1) return undefined;
  const daysAgo = rows.length - 1 - first;
  if (daysAgo === 0) return 'day';
  if (daysAgo < 7) return '7d';
  return undefined;
}
