/**
 * The days both stores roll events up by. A site's days start at its own midnight in standard
 * time: day = floor((ts + shift) / 24 h), with shift its UTC offset outside daylight-saving time.
 * Its dashboard asks for whole local days, which are then whole rollup days, or an hour off them
 * in summer; with UTC days a Berlin site's every day was a 23-hour edge read from the events.
 */
import { IANAZone } from 'luxon';
import type { TimeRange } from './types.js';

export const DAY_MS = 86_400_000;

/** The zone's offset in standard time, the smaller of January's and July's (DST only adds). */
export function rollupShiftMs(timezone: string, at: number): number {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) return 0;
  const year = new Date(at).getUTCFullYear();
  return Math.min(zone.offset(Date.UTC(year, 0, 1)), zone.offset(Date.UTC(year, 6, 1))) * 60_000;
}

/** The rollup day of an instant, and the instant a rollup day starts, for a site's shift. */
export const rollupDay = (ts: number, shift: number) => Math.floor((ts + shift) / DAY_MS);
export const rollupDayStart = (day: number, shift: number) => day * DAY_MS - shift;

/**
 * A bucket as its whole rollup days [lo, hi) and the parts of days at its edges, as [from, to)
 * instants; a bucket within one day is all edge.
 */
export interface DaySplit {
  lo: number;
  hi: number;
  edges: Array<[number, number]>;
}

export function splitDays(bucket: TimeRange, shift: number): DaySplit {
  const first = rollupDay(bucket.from, shift);
  const lo = rollupDayStart(first, shift) === bucket.from ? first : first + 1;
  const hi = Math.max(lo, rollupDay(bucket.to, shift));
  const edges: Array<[number, number]> = [
    [bucket.from, Math.min(bucket.to, rollupDayStart(lo, shift))],
    [Math.max(bucket.from, rollupDayStart(hi, shift)), bucket.to],
  ];
  return { lo, hi, edges: edges.filter(([from, to]) => from < to) };
}
