/** Undo SQLite migrations, for tests that rewind a database's schema. */

/** The count of a page's viewers apart. */
export const UNDO_PAGE_VIEWERS = `
  DROP INDEX day_page_visitors_multi;
  ALTER TABLE day_page_visitors DROP COLUMN viewed;
  ALTER TABLE day_pages DROP COLUMN view_visitors;
  CREATE INDEX day_page_visitors_multi ON day_page_visitors (site, day, path, visitor_id) WHERE multi = 1;
`;

/** Rollup days as local dates: the shift they were counted by comes back, 0 (UTC's). */
export const UNDO_LOCAL_DAYS = 'ALTER TABLE sites ADD COLUMN rollup_shift_ms INTEGER NOT NULL DEFAULT 0;';

/** Visits and rollups folded in apart from the events' own transaction. */
export const UNDO_PROJECTION = 'DROP TABLE projection;';
