/** Periods and buckets in a site's time zone, across daylight-saving changes. */
import { bucketsOf, defaultInterval, resolvePeriod } from '../src/stats/periods.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const span = ({ from, to }: { from: number; to: number }) => [iso(from), iso(to)];

describe('resolvePeriod', () => {
  const now = at('2026-03-29T10:00:00Z'); // 12:00 CEST in Berlin, the day summer time starts

  it('gives a 23-hour day when summer time starts and the day before as the previous period', () => {
    const { range, previous } = resolvePeriod({ period: 'day' }, 'Europe/Berlin', now);
    expect(span(range)).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(span(previous)).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z']);
  });

  it("moves today and 7d at the site's midnight, not at UTC's, when asked again in the same process", () => {
    const before = at('2026-03-29T21:59:59Z'); // 23:59:59 CEST
    const after = at('2026-03-29T22:00:01Z'); // 00:00:01 CEST, the next day in Berlin
    expect(span(resolvePeriod({ period: 'day' }, 'Europe/Berlin', before).range)).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect(span(resolvePeriod({ period: 'day' }, 'Europe/Berlin', after).range)).toEqual([
      '2026-03-29T22:00:00.000Z',
      '2026-03-30T22:00:00.000Z',
    ]);
    expect(span(resolvePeriod({ period: '7d' }, 'UTC', before).range)[1]).toBe('2026-03-30T00:00:00.000Z');
    expect(span(resolvePeriod({ period: '7d' }, 'UTC', at('2026-03-30T00:00:00Z')).range)[1]).toBe('2026-03-31T00:00:00.000Z');
    expect(span(resolvePeriod({ period: '7d' }, 'UTC', before).range)[1]).toBe('2026-03-30T00:00:00.000Z');
  });

  it('moves today at midnight after a day that began at 01:00 (summer time starting at midnight)', () => {
    // Santiago skips from 00:00 to 01:00 on 2026-09-06, so that day starts at 01:00 local.
    const day = (iso: string) => span(resolvePeriod({ period: 'day' }, 'America/Santiago', at(iso)).range)[0];
    expect(day('2026-09-06T16:00:00Z')).toBe('2026-09-06T04:00:00.000Z');
    // 00:30 local on the 7th.
    expect(day('2026-09-07T03:30:00Z')).toBe('2026-09-07T03:00:00.000Z');
  });

  it('ends 7d and 30d on the reference day, today included', () => {
    expect(span(resolvePeriod({ period: '7d' }, 'UTC', now).range)).toEqual(['2026-03-23T00:00:00.000Z', '2026-03-30T00:00:00.000Z']);
    expect(span(resolvePeriod({ period: '30d', date: '2026-01-30' }, 'UTC', now).range)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-31T00:00:00.000Z',
    ]);
  });

  it('takes calendar months for month, 6mo and 12mo, and as many days before for the previous period', () => {
    const month = resolvePeriod({ period: 'month', date: '2026-02-10' }, 'America/New_York', now);
    expect(span(month.range)).toEqual(['2026-02-01T05:00:00.000Z', '2026-03-01T05:00:00.000Z']);
    expect(span(month.previous)).toEqual(['2026-01-04T05:00:00.000Z', '2026-02-01T05:00:00.000Z']);
    expect(span(resolvePeriod({ period: '6mo' }, 'UTC', now).range)).toEqual(['2025-10-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    expect(span(resolvePeriod({ period: '12mo' }, 'UTC', now).range)).toEqual(['2025-04-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
  });

  it('counts custom days inclusively, with as many days before as the previous period', () => {
    const custom = resolvePeriod({ period: 'custom', date: '2026-03-28,2026-03-30' }, 'Europe/Berlin', now);
    expect(span(custom.range)).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-30T22:00:00.000Z']);
    expect(span(custom.previous)).toEqual(['2026-03-24T23:00:00.000Z', '2026-03-27T23:00:00.000Z']);
  });

  it('slides 30m up to the present millisecond', () => {
    expect(span(resolvePeriod({ period: '30m' }, 'Asia/Kolkata', now).range)).toEqual([
      '2026-03-29T09:30:00.001Z',
      '2026-03-29T10:00:00.001Z',
    ]);
  });
});

describe('comparing a period still running', () => {
  // Plausible's own cases: this month on its 2nd day against the two days before it.
  it('compares month to date with as many days just before', () => {
    const { previous } = resolvePeriod({ period: 'month', date: '2023-03-02' }, 'UTC', at('2023-03-02T14:00:00Z'));
    expect(span(previous)).toEqual(['2023-02-27T00:00:00.000Z', '2023-03-01T00:00:00.000Z']);
  });

  it("compares the month's first day with the last day of the month before", () => {
    const { previous } = resolvePeriod({ period: 'month' }, 'UTC', at('2023-03-01T14:00:00Z'));
    expect(span(previous)).toEqual(['2023-02-28T00:00:00.000Z', '2023-03-01T00:00:00.000Z']);
  });

  it('compares a finished month with as many days before it', () => {
    const { previous } = resolvePeriod({ period: 'month', date: '2023-02-01' }, 'UTC', at('2023-03-01T14:00:00Z'));
    expect(span(previous)).toEqual(['2023-01-04T00:00:00.000Z', '2023-02-01T00:00:00.000Z']);
  });

  it('cuts 12mo at today too, in the site zone', () => {
    const { range, previous } = resolvePeriod({ period: '12mo' }, 'Europe/Berlin', at('2026-03-02T10:00:00Z'));
    expect(span(range)).toEqual(['2025-03-31T22:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    // 2025-04-01 to 2026-03-02 is 336 days.
    expect(span(previous)).toEqual(['2024-04-29T22:00:00.000Z', '2025-03-31T22:00:00.000Z']);
  });
});

describe('days whose midnight does not exist or happens twice', () => {
  // America/Santiago: 2021-09-05 begins at 01:00 (summer time starts at midnight);
  // 2022-04-02 lasts 25 hours (23:00 to 24:00 happens twice, then 2022-04-03 begins).
  const zone = 'America/Santiago';
  const later = at('2023-01-01T00:00:00Z');

  it('ends a day that began at 01:00 at the real start of the next one', () => {
    const { range, previous } = resolvePeriod({ period: 'day', date: '2021-09-05' }, zone, later);
    expect(span(range)).toEqual(['2021-09-05T04:00:00.000Z', '2021-09-06T03:00:00.000Z']);
    expect(span(previous)).toEqual(['2021-09-04T04:00:00.000Z', '2021-09-05T04:00:00.000Z']);
    expect(span(resolvePeriod({ period: 'day', date: '2021-09-06' }, zone, later).range)).toEqual([
      '2021-09-06T03:00:00.000Z',
      '2021-09-07T03:00:00.000Z',
    ]);
  });

  it('gives that day 23 hourly buckets, none of them on the next day', () => {
    const { range } = resolvePeriod({ period: 'day', date: '2021-09-05' }, zone, later);
    const labels = bucketsOf(range, 'hour', zone).map((bucket) => bucket.label);
    expect(labels).toHaveLength(23);
    expect(labels[0]).toBe('2021-09-05 01:00:00');
    expect(labels.at(-1)).toBe('2021-09-05 23:00:00');
  });

  it('starts every later daily bucket at midnight', () => {
    const { range } = resolvePeriod({ period: 'custom', date: '2021-09-04,2021-09-08' }, zone, later);
    expect(span(range)).toEqual(['2021-09-04T04:00:00.000Z', '2021-09-09T03:00:00.000Z']);
    const days = bucketsOf(range, 'day', zone).map((bucket) => [bucket.label, ...span(bucket)]);
    expect(days).toEqual([
      ['2021-09-04', '2021-09-04T04:00:00.000Z', '2021-09-05T04:00:00.000Z'],
      ['2021-09-05', '2021-09-05T04:00:00.000Z', '2021-09-06T03:00:00.000Z'],
      ['2021-09-06', '2021-09-06T03:00:00.000Z', '2021-09-07T03:00:00.000Z'],
      ['2021-09-07', '2021-09-07T03:00:00.000Z', '2021-09-08T03:00:00.000Z'],
      ['2021-09-08', '2021-09-08T03:00:00.000Z', '2021-09-09T03:00:00.000Z'],
    ]);
  });

  it('keeps the doubled hour in a 25-hour day and starts the next day after it', () => {
    const { range } = resolvePeriod({ period: 'day', date: '2022-04-02' }, zone, later);
    expect(span(range)).toEqual(['2022-04-02T03:00:00.000Z', '2022-04-03T04:00:00.000Z']);
    const labels = bucketsOf(range, 'hour', zone).map((bucket) => bucket.label);
    expect(labels).toHaveLength(25);
    expect(labels.filter((label) => label === '2022-04-02 23:00:00')).toHaveLength(2);
    const week = resolvePeriod({ period: '7d', date: '2022-04-05' }, zone, later).range;
    expect(bucketsOf(week, 'day', zone).map((bucket) => span(bucket)[0])).toEqual([
      '2022-03-30T03:00:00.000Z',
      '2022-03-31T03:00:00.000Z',
      '2022-04-01T03:00:00.000Z',
      '2022-04-02T03:00:00.000Z',
      '2022-04-03T04:00:00.000Z',
      '2022-04-04T04:00:00.000Z',
      '2022-04-05T04:00:00.000Z',
    ]);
  });
});

describe('bucketsOf', () => {
  it('skips the missing hour when summer time starts', () => {
    const { range } = resolvePeriod({ period: 'day', date: '2026-03-29' }, 'Europe/Berlin', 0);
    const labels = bucketsOf(range, 'hour', 'Europe/Berlin').map((bucket) => bucket.label);
    expect(labels).toHaveLength(23);
    expect(labels.slice(1, 3)).toEqual(['2026-03-29 01:00:00', '2026-03-29 03:00:00']);
  });

  it('cuts partial weeks at the period and labels them with their Monday', () => {
    const range = { from: at('2026-11-05T00:00:00Z'), to: at('2026-11-20T00:00:00Z') };
    const buckets = bucketsOf(range, 'week', 'UTC');
    expect(buckets.map((bucket) => bucket.label)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16']);
    expect(span(buckets[0]!)).toEqual(['2026-11-05T00:00:00.000Z', '2026-11-09T00:00:00.000Z']);
    expect(span(buckets[2]!)).toEqual(['2026-11-16T00:00:00.000Z', '2026-11-20T00:00:00.000Z']);
  });

  it('follows a half-hour offset', () => {
    const { range } = resolvePeriod({ period: 'day', date: '2026-03-29' }, 'Asia/Kolkata', 0);
    const buckets = bucketsOf(range, 'day', 'Asia/Kolkata');
    expect(buckets.map((bucket) => [bucket.label, ...span(bucket)])).toEqual([
      ['2026-03-29', '2026-03-28T18:30:00.000Z', '2026-03-29T18:30:00.000Z'],
    ]);
  });

  it('refuses more than 1,500 buckets', () => {
    const { range } = resolvePeriod({ period: '7d' }, 'UTC', 0);
    expect(() => bucketsOf(range, 'minute', 'UTC')).toThrow(/more than 1500 buckets/);
    expect(bucketsOf(resolvePeriod({ period: 'day' }, 'UTC', 0).range, 'minute', 'UTC')).toHaveLength(1440);
  });

  it('picks the default interval per period', () => {
    expect(['30m', 'day', '7d', 'month', '6mo', '12mo', 'custom'].map((p) => defaultInterval(p as never))).toEqual([
      'minute',
      'hour',
      'day',
      'day',
      'month',
      'month',
      'day',
    ]);
  });
});
