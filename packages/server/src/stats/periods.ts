/**
 * v1 periods and intervals in a site's IANA time zone, turned into the UTC instants and buckets
 * the store filters on. Days are calendar days (23, 24 or 25 hours around daylight-saving
 * changes); hours and minutes are elapsed time, so a doubled hour shows up as two buckets.
 */
import { MAX_BUCKETS, type Interval, type Period } from '@sightline/shared';
import { DateTime } from 'luxon';
import { InvalidQuery } from '../domain-errors.js';
import type { TimeRange } from '../store/types.js';

const REALTIME_MS = 30 * 60 * 1000;

export interface PeriodQuery {
  period: Period;
  date?: string | undefined;
}

export interface ResolvedPeriod {
  range: TimeRange;
  /** As many days just before the range (for a month still running, as many as have begun), for compare=previous_period. */
  previous: TimeRange;
}

/**
 * Days are added as calendar days, then snapped to where the day really starts: where summer
 * time begins at midnight (America/Santiago) a day starts at 01:00, and a range built from it by
 * adding days would otherwise end an hour into the next day.
 */
const plusDays = (day: DateTime, count: number) => day.plus({ days: count }).startOf('day');

/** The same number of days just before `from`. */
function daysBefore(from: DateTime, to: DateTime): TimeRange {
  const count = Math.round(to.diff(from, 'days').days);
  return { from: plusDays(from, -count).toMillis(), to: from.toMillis() };
}

function daysFrom(first: DateTime, count: number): ResolvedPeriod {
  const to = plusDays(first, count);
  return { range: { from: first.toMillis(), to: to.toMillis() }, previous: daysBefore(first, to) };
}

/**
 * Calendar months, compared with as many days just before. A month still running is compared
 * over the part that has happened (month to date against the days just before it), as Plausible
 * does: against a whole previous month, the 2nd of a month would show about -93 %.
 */
function monthsFrom(first: DateTime, count: number, today: DateTime): ResolvedPeriod {
  const to = first.plus({ months: count }).startOf('day');
  const tomorrow = plusDays(today, 1);
  const happened = first <= today && tomorrow < to ? tomorrow : to;
  return { range: { from: first.toMillis(), to: to.toMillis() }, previous: daysBefore(first, happened) };
}

const startOfDay = (day: string, zone: string) => DateTime.fromISO(day, { zone }).startOf('day');

/**
 * A period resolves to the same range all day long, and every stats request resolves one, cached
 * answer or not: luxon made that a tenth of a cached answer's time. So each resolution is kept
 * until the end of the day (in the site's zone) it was made on.
 */
const resolved = new Map<string, { result: ResolvedPeriod; from: number; to: number }>();
const RESOLVED_LIMIT = 1_000;

export function resolvePeriod(query: PeriodQuery, zone: string, now: number): ResolvedPeriod {
  if (query.period === '30m') {
    // Up to and including the present millisecond.
    const to = now + 1;
    return { range: { from: to - REALTIME_MS, to }, previous: { from: to - 2 * REALTIME_MS, to: to - REALTIME_MS } };
  }
  const key = `${query.period}|${query.date ?? ''}|${zone}`;
  const kept = resolved.get(key);
  if (kept !== undefined && now >= kept.from && now < kept.to) return kept.result;
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const result = resolveDays(query.period, query.date, zone, today);
  if (resolved.size >= RESOLVED_LIMIT) resolved.clear();
  // startOf again: where a day begins at 01:00 (DST at midnight) the next one may begin at 00:00.
  resolved.set(key, { result, from: today.toMillis(), to: today.plus({ days: 1 }).startOf('day').toMillis() });
  return result;
}

function resolveDays(period: Exclude<Period, '30m'>, date: string | undefined, zone: string, today: DateTime): ResolvedPeriod {
  const [first, last] = date?.split(',') ?? [];
  const reference = first !== undefined ? startOfDay(first, zone) : today;
  switch (period) {
    case 'day':
      return daysFrom(reference, 1);
    case '7d':
      return daysFrom(plusDays(reference, -6), 7);
    case '30d':
      return daysFrom(plusDays(reference, -29), 30);
    case 'month':
      return monthsFrom(reference.startOf('month'), 1, today);
    case '6mo':
      return monthsFrom(reference.startOf('month').minus({ months: 5 }).startOf('day'), 6, today);
    case '12mo':
      return monthsFrom(reference.startOf('month').minus({ months: 11 }).startOf('day'), 12, today);
    case 'custom': {
      const from = startOfDay(first!, zone);
      const count = Math.round(startOfDay(last!, zone).diff(from, 'days').days) + 1;
      return daysFrom(from, count);
    }
  }
}

export function defaultInterval(period: Period): Interval {
  switch (period) {
    case '30m':
      return 'minute';
    case 'day':
      return 'hour';
    case '6mo':
    case '12mo':
      return 'month';
    default:
      return 'day';
  }
}

export interface Bucket extends TimeRange {
  /** Start of the bucket's minute, hour, day, ISO week or month in the site's time zone. */
  label: string;
}

const LABEL_FORMAT: Record<Interval, string> = {
  minute: 'yyyy-MM-dd HH:mm:ss',
  hour: 'yyyy-MM-dd HH:mm:ss',
  day: 'yyyy-MM-dd',
  week: 'yyyy-MM-dd',
  month: 'yyyy-MM-dd',
};

/** Days, weeks and months snap to where the next one really starts, as plusDays does. */
function nextBucketStart(start: DateTime, interval: Interval): DateTime {
  const next = start.plus({ [`${interval}s`]: 1 });
  return interval === 'minute' || interval === 'hour' ? next : next.startOf(interval);
}

/** The buckets covering `range`; the first and last may be cut by the range's ends. */
export function bucketsOf(range: TimeRange, interval: Interval, zone: string): Bucket[] {
  const buckets: Bucket[] = [];
  let start: DateTime = DateTime.fromMillis(range.from, { zone }).startOf(interval);
  while (start.toMillis() < range.to) {
    if (buckets.length >= MAX_BUCKETS) {
      throw new InvalidQuery(`interval: ${interval} gives more than ${MAX_BUCKETS} buckets for this period; use a larger interval`);
    }
    const next = nextBucketStart(start, interval);
    buckets.push({
      from: Math.max(start.toMillis(), range.from),
      to: Math.min(next.toMillis(), range.to),
      label: start.toFormat(LABEL_FORMAT[interval]),
    });
    start = next;
  }
  return buckets;
}
