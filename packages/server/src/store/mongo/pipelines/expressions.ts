/**
 * Small builders for aggregation expressions and stages, so the query builders read as the
 * definitions in store/types.ts. Everything a user typed enters through `literal` or a query
 * value position; field paths are always constants from this folder.
 */
import type { PipelineStage } from 'mongoose';

export type Expression = unknown;

/** A stage as data; the mingo lane and the operator test check what mongoose's types cannot. */
export const stage = (body: Record<string, unknown>): PipelineStage => body as unknown as PipelineStage;

export const literal = (value: unknown) => ({ $literal: value });

/** `$filter` with an explicit variable name, so nested filters never shadow `$$this`. */
export const filter = (input: Expression, as: string, cond: Expression) => ({ $filter: { input, as, cond } });

export const size = (array: Expression) => ({ $size: array });

/**
 * A field of the array's first (or last) element, or null for an empty array. The size check
 * is explicit because engines disagree on `$last` of an empty array (MongoDB: missing; mingo: error).
 */
export function fieldOfEnd(end: '$first' | '$last', array: Expression, field: string): Expression {
  const element = { $let: { vars: { end: { [end]: '$$items' } }, in: `$$end.${field}` } };
  return {
    $let: {
      vars: { items: array },
      in: { $cond: [{ $gt: [{ $size: '$$items' }, 0] }, { $ifNull: [element, null] }, null] },
    },
  };
}

/** Sum of one numeric field over an array, missing or null counted as 0. */
export function sumOf(array: Expression, field: string): Expression {
  return {
    $reduce: { input: array, initialValue: 0, in: { $add: ['$$value', { $ifNull: [`$$this.${field}`, 0] }] } },
  };
}
