/**
 * Date ranges that no request has asked before, so that an answer must be computed from the
 * store. A query's first range is the history's own days, the one its cached samples repeat; each
 * later one runs one more day into the empty days after the history, so the work stays the same.
 */
import { HISTORY_DAYS, HISTORY_FIRST_DAY } from './history/index.js';

const DAY_MS = 86_400_000;

export const historyDay = (offset: number) => new Date(Date.parse(`${HISTORY_FIRST_DAY}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);

export class FreshRanges {
  private readonly asked = new Map<string, number>();

  /** Each query, by its label, has its own sequence of ranges. */
  next(query: string): [string, string] {
    const count = this.asked.get(query) ?? 0;
    this.asked.set(query, count + 1);
    return [historyDay(0), historyDay(HISTORY_DAYS - 1 + count)];
  }
}

export const HISTORY_RANGE: [string, string] = [historyDay(0), historyDay(HISTORY_DAYS - 1)];
