/** Each site's rollup days (rollup-days.ts), from its time zone as stored. */
import type Database from 'better-sqlite3';
import { zoneDays, type RollupDays } from '../rollup-days.js';

/** UTC's days for a site not stored. */
export function siteDays(db: Database.Database): (site: string) => RollupDays {
  const zone = db.prepare<[string], string>('SELECT timezone FROM sites WHERE domain = ?').pluck();
  return (site) => zoneDays(zone.get(site) ?? 'UTC');
}
