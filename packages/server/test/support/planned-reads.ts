/**
 * The SQLite store's stats reads over a read-only connection that records, for every statement
 * run, what SQLite planned for each scan or search of the events table.
 */
import Database from 'better-sqlite3';
import { statsReader, type StatsReader } from '../../src/store/sqlite/stats-reads.js';

export interface PlannedReads {
  read: StatsReader;
  /** The events scans and searches planned since the last `clear()`. */
  plans: string[];
  clear(): void;
  close(): void;
}

export function plannedReads(file: string): PlannedReads {
  const db = new Database(file, { readonly: true });
  const planned: PlannedReads = {
    read: undefined as unknown as StatsReader,
    plans: [],
    clear: () => void planned.plans.splice(0),
    close: () => db.close(),
  };
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    const plan = (args: unknown[]) => {
      const steps = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>;
      planned.plans.push(...steps.map((step) => step.detail).filter((detail) => / ev\b| events\b/.test(detail)));
    };
    const all = statement.all.bind(statement);
    const iterate = statement.iterate.bind(statement);
    statement.all = (...args: unknown[]) => {
      plan(args);
      return all(...args);
    };
    statement.iterate = (...args: unknown[]) => {
      plan(args);
      return iterate(...args);
    };
    return statement;
  }) as typeof db.prepare;
  planned.read = statsReader(db);
  return planned;
}
