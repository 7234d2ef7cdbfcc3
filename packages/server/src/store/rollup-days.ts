/**
 * The days both stores roll events up by: a site's local dates, from midnight to midnight in its
 * time zone, 23 or 25 hours long where the clocks change. A dashboard asks for whole local days,
 * and with days of a fixed length a Berlin site's every day in summer started an hour before a
 * rollup day and was read from its events (a 30-day chart by day took 137 ms in July against 16
 * ms in January, measured).
 *
 * A day is a number, days since 1970-01-01, and starts at an instant; a day's number never goes
 * back as time goes on, so each day is one interval of instants, and consecutive days adjoin.
 */
import { IANAZone } from 'luxon';
import type { TimeRange } from './types.js';

export const DAY_MS = 86_400_000;

export interface RollupDays {
  /** The day of an instant. */
  day(ts: number): number;
  /** The first instant of a day; a day a zone skipped starts where the next one does. */
  start(day: number): number;
  /** `day` in SQL, over an integer column or expression of instants. */
  sql(column: string): string;
  /** Equal for two zones whose days are the same, so a site moved between them keeps its rollups. */
  readonly key: string;
}

const floorDay = (local: number) => Math.floor(local / DAY_MS);
/** SQLite's integer division truncates toward zero: one less for a negative remainder floors it. */
const floorDaySql = (local: string) => `((${local}) / ${DAY_MS} - ((${local}) % ${DAY_MS} < 0))`;

/**
 * A stretch of time with one UTC offset. Its instants' local dates rise with them; `floor` is the
 * day its first instant belongs to, which is more than its local date where the clocks went back
 * across midnight: those instants stay on the day that had already begun.
 */
interface Period {
  from: number;
  offset: number;
  floor: number;
}

class PeriodDays implements RollupDays {
  readonly key: string;

  constructor(private readonly periods: readonly Period[]) {
    this.key = periods.map((period) => `${period.from}:${period.offset}`).join(',');
  }

  /** The index of the last period that starts at or before `ts` (the first one reaches back forever). */
  private periodAt(ts: number): number {
    let lo = 0;
    let hi = this.periods.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.periods[mid]!.from <= ts) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  day(ts: number): number {
    const period = this.periods[this.periodAt(ts)]!;
    return Math.max(floorDay(ts + period.offset), period.floor);
  }

  start(day: number): number {
    let lo = 0;
    let hi = this.periods.length - 1;
    // The last period that begins on an earlier day: the day begins at its midnight in it, or,
    // when that midnight is past the period's end, where the next period begins.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.periods[mid]!.floor < day) lo = mid;
      else hi = mid - 1;
    }
    const midnight = day * DAY_MS - this.periods[lo]!.offset;
    const next = this.periods[lo + 1];
    return next === undefined ? midnight : Math.min(midnight, next.from);
  }

  sql(column: string): string {
    const leaf = (period: Period, first: boolean) => {
      const local = floorDaySql(`${column} + ${period.offset}`);
      return first ? local : `MAX(${local}, ${period.floor})`;
    };
    // A balanced tree of comparisons: a few per row, however many periods the zone has.
    const tree = (lo: number, hi: number): string => {
      if (lo === hi) return leaf(this.periods[lo]!, lo === 0);
      const mid = (lo + hi + 1) >> 1;
      return `CASE WHEN ${column} < ${this.periods[mid]!.from} THEN ${tree(lo, mid - 1)} ELSE ${tree(mid, hi)} END`;
    };
    return `(${tree(0, this.periods.length - 1)})`;
  }
}

/** Days of a fixed offset from UTC. */
export const fixedDays = (offset: number): RollupDays => new PeriodDays([{ from: Number.MIN_SAFE_INTEGER, offset, floor: Number.MIN_SAFE_INTEGER }]);

/** The zone's offsets from 1970 to 2100: sampled every week, each change then found to the millisecond. */
const SPAN = [Date.UTC(1970, 0, 1), Date.UTC(2100, 0, 1)] as const;
const WEEK_MS = 7 * DAY_MS;

function offsetChanges(zone: IANAZone): Array<{ from: number; offset: number }> {
  const offsetAt = (ts: number) => zone.offset(ts) * 60_000;
  let offset = offsetAt(SPAN[0]);
  const changes = [{ from: Number.MIN_SAFE_INTEGER, offset }];
  for (let t = SPAN[0]; t < SPAN[1]; ) {
    if (offsetAt(t + WEEK_MS) === offset) {
      t += WEEK_MS;
      continue;
    }
    let lo = t;
    let hi = t + WEEK_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid) === offset) lo = mid;
      else hi = mid;
    }
    offset = offsetAt(hi);
    changes.push({ from: hi, offset });
    t = hi;
  }
  return changes;
}

const zones = new Map<string, RollupDays>();

/** The local dates of an IANA time zone (UTC's for a name that is not one); kept per zone. */
export function zoneDays(timezone: string): RollupDays {
  let days = zones.get(timezone);
  if (days === undefined) {
    const zone = IANAZone.create(timezone);
    if (!zone.isValid) return fixedDays(0);
    const periods: Period[] = [];
    for (const { from, offset } of offsetChanges(zone)) {
      const previous = periods[periods.length - 1];
      const floor = previous === undefined ? Number.MIN_SAFE_INTEGER : Math.max(floorDay(from + offset), floorDay(from - 1 + previous.offset), previous.floor);
      periods.push({ from, offset, floor });
    }
    days = new PeriodDays(periods);
    zones.set(timezone, days);
  }
  return days;
}

/**
 * The zone's offset in standard time, the smaller of January's and July's (DST only adds): rollup
 * days used to start at its midnight, which upgrades compare with the zone's days.
 */
export function rollupShiftMs(timezone: string, at: number): number {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) return 0;
  const year = new Date(at).getUTCFullYear();
  return Math.min(zone.offset(Date.UTC(year, 0, 1)), zone.offset(Date.UTC(year, 6, 1))) * 60_000;
}

/**
 * A bucket as its whole rollup days [lo, hi) and the parts of days at its edges, as [from, to)
 * instants; a bucket within one day is all edge.
 */
export interface DaySplit {
  lo: number;
  hi: number;
  edges: Array<[number, number]>;
}

export function splitDays(bucket: TimeRange, days: RollupDays): DaySplit {
  const first = days.day(bucket.from);
  const lo = days.start(first) === bucket.from ? first : first + 1;
  const hi = Math.max(lo, days.day(bucket.to));
  const edges: Array<[number, number]> = [
    [bucket.from, Math.min(bucket.to, days.start(lo))],
    [Math.max(bucket.from, days.start(hi)), bucket.to],
  ];
  return { lo, hi, edges: edges.filter(([from, to]) => from < to) };
}
