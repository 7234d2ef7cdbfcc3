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
