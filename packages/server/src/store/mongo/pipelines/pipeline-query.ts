/**
 * A stats query for MongoDB: one aggregation pipeline over the events collection (or the visits
 * kept at ingest, their spans, the per-day rollups, the days pending a recount or the sites), and the pure function that turns its output documents into the port's answer. Builders never
 * concatenate strings into operators: user values only ever sit in value positions, and
 * inside expressions they are wrapped in `$literal` so a value starting with `$` stays text
 * (expressions.ts).
 */
import type { PipelineStage } from 'mongoose';

/** The collections a pipeline may start from (store/mongo/visits.ts, rollup-writes.ts and dirty-days.ts name them). */
export type PipelineCollection = 'events' | 'visits' | 'visit_spans' | 'day_groups' | 'day_visitors' | 'rollup_repairs' | 'sites';

export interface PipelineQuery<T> {
  /** Absent: events. */
  collection?: PipelineCollection;
  pipeline: PipelineStage[];
  read(rows: readonly unknown[]): T;
}

/** Runs a query's pipeline on some engine (MongoDB through mongoose, or mingo in tests). */
export type RunPipeline = <T>(method: string, query: PipelineQuery<T>) => Promise<T>;

/** The first output document of a pipeline that ends in `$facet` (it always yields exactly one). */
export function facetOutput(rows: readonly unknown[]): Record<string, unknown[]> {
  const first = rows[0];
  if (rows.length !== 1 || typeof first !== 'object' || first === null) {
    throw new Error(`a $facet stage returned ${rows.length} documents instead of one`);
  }
  return first as Record<string, unknown[]>;
}

export const asNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));
