/**
 * The index of the bucket a date falls in, as an expression: a binary search over the bucket
 * starts written out as nested `$cond`s. Buckets come from the site's calendar (days of 23 or
 * 25 hours, months), so no arithmetic on the date would do; 1,500 buckets take 11 comparisons.
 */
import type { TimeRange } from '../../types.js';
import type { Expression } from './expressions.js';

export function bucketIndex(date: Expression, buckets: readonly TimeRange[]): Expression {
  const starts = buckets.map((bucket) => new Date(bucket.from));
  const search = (low: number, high: number): Expression => {
    if (low === high) return { $literal: low };
    const middle = Math.ceil((low + high) / 2);
    return { $cond: [{ $lt: [date, starts[middle]] }, search(low, middle - 1), search(middle, high)] };
  };
  return search(0, buckets.length - 1);
}
