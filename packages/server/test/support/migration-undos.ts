/** Undoes the SQLite migration that counts a page's viewers apart, for tests that rewind a database's schema. */
export const UNDO_PAGE_VIEWERS = `
  DROP INDEX day_page_visitors_multi;
  ALTER TABLE day_page_visitors DROP COLUMN viewed;
  ALTER TABLE day_pages DROP COLUMN view_visitors;
  CREATE INDEX day_page_visitors_multi ON day_page_visitors (site, day, path, visitor_id) WHERE multi = 1;
`;
