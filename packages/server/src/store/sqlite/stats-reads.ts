/**
 * Every stats read of the SQLite store, by name, over one connection: what the store runs
 * in-process and what each reader thread runs over its own read-only connection. Arguments and
 * answers are plain data, so they cross to and from a thread as structured clones.
 */
import type Database from 'better-sqlite3';
import type {
  AllTimeResult,
  BreakdownQuery,
  BreakdownRow,
  FunnelQuery,
  Measures,
  StatsQuery,
  SummaryRequest,
  SummaryResult,
  TimeseriesQuery,
} from '../types.js';
import { SqliteStatsQueries } from './stats-queries.js';
import { SqliteSummaryQueries, type AllTimeRequest } from './summary-queries.js';

/** Each read's argument and answer. */
export interface StatsReads {
  aggregate: [StatsQuery, Measures];
  timeseries: [TimeseriesQuery, Measures[]];
  breakdown: [BreakdownQuery, BreakdownRow[]];
  funnel: [FunnelQuery, number[]];
  summary: [SummaryRequest, SummaryResult];
  allTime: [AllTimeRequest, AllTimeResult];
}

export type ReadMethod = keyof StatsReads;
export type ReadArg<M extends ReadMethod> = StatsReads[M][0];
export type ReadResult<M extends ReadMethod> = StatsReads[M][1];

export type StatsReader = <M extends ReadMethod>(method: M, arg: ReadArg<M>) => ReadResult<M>;

export function statsReader(db: Database.Database): StatsReader {
  const stats = new SqliteStatsQueries(db);
  const summaries = new SqliteSummaryQueries(db);
  const reads: { [M in ReadMethod]: (arg: ReadArg<M>) => ReadResult<M> } = {
    aggregate: (query) => stats.aggregate(query),
    timeseries: (query) => stats.timeseries(query),
    breakdown: (query) => stats.breakdown(query),
    funnel: (query) => stats.funnel(query),
    summary: (request) => summaries.summary(request),
    allTime: (request) => summaries.allTime(request),
  };
  return (method, arg) => reads[method](arg);
}
