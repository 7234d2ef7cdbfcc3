/** Calendar days in a site's time zone, turned into the UTC instants the store filters on. */
import { DateTime } from 'luxon';
import type { TimeRange } from '../store/types.js';

const DEFAULT_DAYS = 30;

export interface DayRange extends TimeRange {
  fromDay: string;
  toDay: string;
}

/**
 * `from` and `to` are inclusive days; the range ends at the start of the day after `to`, which
 * is 23, 24 or 25 hours after the start of `to` around daylight-saving changes.
 */
export function dayRange(zone: string, now: number, from?: string, to?: string): DayRange {
  const toDay = to ?? DateTime.fromMillis(now, { zone }).toISODate()!;
  const fromDay = from ?? DateTime.fromISO(toDay, { zone }).minus({ days: DEFAULT_DAYS - 1 }).toISODate()!;
  return {
    fromDay,
    toDay,
    from: DateTime.fromISO(fromDay, { zone }).startOf('day').toMillis(),
    to: DateTime.fromISO(toDay, { zone }).plus({ days: 1 }).startOf('day').toMillis(),
  };
}
