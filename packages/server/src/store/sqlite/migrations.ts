/**
 * Schema migrations, applied in order at start-up. `user_version` records how many ran,
 * so a migration never runs twice and a newer database is refused by an older server.
 */
import type Database from 'better-sqlite3';
import { fixedDays, rollupShiftMs, zoneDays } from '../rollup-days.js';
import { SqliteRollups } from './rollups.js';
import { SqliteVisitRollups } from './visit-rollups.js';
import { ATTRIBUTE_COLUMNS, SqliteVisits } from './visits.js';

/** SQL, or a step that needs the store's own code (filling a new table from the events). */
type Migration = string | ((db: Database.Database) => void);

const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE sites (
    domain TEXT PRIMARY KEY,
    timezone TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    ts INTEGER NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    hostname TEXT NOT NULL,
    referrer TEXT,
    referrer_source TEXT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_term TEXT,
    utm_content TEXT,
    browser TEXT,
    os TEXT,
    device TEXT,
    country TEXT,
    screen_width INTEGER,
    visitor_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    engagement_ms INTEGER,
    props TEXT
  ) STRICT;

  CREATE INDEX events_site_ts ON events (site, ts);

  CREATE TABLE salts (
    day TEXT PRIMARY KEY,
    salt BLOB NOT NULL
  ) STRICT;
  `,
  `
  ALTER TABLE sites ADD COLUMN public INTEGER NOT NULL DEFAULT 0;

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL REFERENCES sites (domain),
    scopes TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE INDEX api_keys_site ON api_keys (site, created_at);
  `,
  `
  ALTER TABLE sites ADD COLUMN retention_days INTEGER;
  `,
  // Stats read these columns of every event in a range: covering indexes spare a table look-up
  // per event (a 30-day aggregate over 1M events went from 1.1 s to 0.2 s), and the one in
  // visit order lets visits be grouped without sorting the range.
  `
  CREATE INDEX events_site_ts_stats ON events (site, ts, session_id, visitor_id, name, engagement_ms, path);
  DROP INDEX events_site_ts;
  CREATE INDEX events_site_visits ON events (site, session_id, ts, visitor_id, name, engagement_ms);
  `,
  // Per-UTC-day rollups of counted events (rollups.ts), filled from the events already stored.
  // A day is floor(ts / 86400000) (integer division truncates). GROUP BY in primary key order
  // appends rows rather than inserting them at random, and the indexes are built once, after.
  `
  CREATE TABLE day_visitors (
    site TEXT NOT NULL,
    visitor_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    multi INTEGER NOT NULL,
    PRIMARY KEY (site, visitor_id, day)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE day_page_visitors (
    site TEXT NOT NULL,
    visitor_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    day INTEGER NOT NULL,
    multi INTEGER NOT NULL,
    PRIMARY KEY (site, visitor_id, path, day)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE day_totals (
    site TEXT NOT NULL,
    day INTEGER NOT NULL,
    visitors INTEGER NOT NULL,
    pageviews INTEGER NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (site, day)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE day_pages (
    site TEXT NOT NULL,
    day INTEGER NOT NULL,
    path TEXT NOT NULL,
    visitors INTEGER NOT NULL,
    pageviews INTEGER NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (site, day, path)
  ) STRICT, WITHOUT ROWID;

  CREATE TEMP VIEW counted AS
    SELECT site, visitor_id, path, name, ts / 86400000 - (ts % 86400000 < 0) AS day FROM events WHERE name <> 'engagement';

  INSERT INTO day_visitors (site, visitor_id, day, multi)
    SELECT site, visitor_id, day, 0 FROM counted GROUP BY site, visitor_id, day;
  UPDATE day_visitors SET multi = 1 WHERE (site, visitor_id) IN
    (SELECT site, visitor_id FROM day_visitors GROUP BY site, visitor_id HAVING COUNT(*) > 1);
  INSERT INTO day_page_visitors (site, visitor_id, path, day, multi)
    SELECT site, visitor_id, path, day, 0 FROM counted GROUP BY site, visitor_id, path, day;
  UPDATE day_page_visitors SET multi = 1 WHERE (site, visitor_id, path) IN
    (SELECT site, visitor_id, path FROM day_page_visitors GROUP BY site, visitor_id, path HAVING COUNT(*) > 1);
  INSERT INTO day_totals (site, day, visitors, pageviews, events)
    SELECT site, day, COUNT(DISTINCT visitor_id), SUM(name = 'pageview'), SUM(name <> 'pageview')
    FROM counted GROUP BY site, day;
  INSERT INTO day_pages (site, day, path, visitors, pageviews, events)
    SELECT site, day, path, COUNT(DISTINCT visitor_id), SUM(name = 'pageview'), SUM(name <> 'pageview')
    FROM counted GROUP BY site, day, path;

  DROP VIEW counted;
  CREATE INDEX day_visitors_multi ON day_visitors (site, day, visitor_id) WHERE multi = 1;
  CREATE INDEX day_page_visitors_multi ON day_page_visitors (site, day, path, visitor_id) WHERE multi = 1;
  `,
  // One row per visit (visits.ts), filled from the stored events by the same code that keeps it
  // at ingest. Rows are stored in start order, so a range of visits is one contiguous read with
  // every attribute at hand; REPLACE finds a visit's old row (and start) through the unique index.
  (db) => {
    db.exec(`
      CREATE TABLE visits (
        site TEXT NOT NULL,
        session_id INTEGER NOT NULL,
        visitor_id INTEGER NOT NULL,
        start_ts INTEGER NOT NULL,
        end_ts INTEGER NOT NULL,
        entry_page TEXT,
        entry_ts INTEGER,
        exit_page TEXT,
        exit_ts INTEGER,
        pageviews INTEGER NOT NULL,
        events INTEGER NOT NULL,
        engagement_ms INTEGER NOT NULL,
        ${ATTRIBUTE_COLUMNS.map((column) => `${column} TEXT`).join(',\n        ')},
        PRIMARY KEY (site, start_ts, session_id)
      ) STRICT, WITHOUT ROWID;

      CREATE UNIQUE INDEX visits_session ON visits (site, session_id);

      CREATE TABLE visit_spans (
        site TEXT PRIMARY KEY,
        longest_ms INTEGER NOT NULL
      ) STRICT;
    `);
    new SqliteVisits(db).fillFromEvents();
  },
  // Rollup days start at each site's standard-time midnight (rollups.ts): sites off UTC recount theirs.
  (db) => {
    db.exec('ALTER TABLE sites ADD COLUMN rollup_shift_ms INTEGER NOT NULL DEFAULT 0');
    const sites = db.prepare<[], { domain: string; timezone: string; created_at: number }>('SELECT domain, timezone, created_at FROM sites').all();
    const setShift = db.prepare('UPDATE sites SET rollup_shift_ms = ? WHERE domain = ?');
    // Only the totals: the rollups by page are recounted under the new shift by a later
    // migration, which adds a column to them, and the ones by event name come later still.
    const rollups = new SqliteRollups(db, []);
    for (const site of sites) {
      const shift = rollupShiftMs(site.timezone, site.created_at);
      if (shift === 0) continue;
      setShift.run(shift, site.domain);
      rollups.rebuildSite(site.domain);
    }
  },
  // Per-day rollups of visits by each visit property (visit-rollups.ts), counted from the visits.
  (db) => {
    db.exec(`
      CREATE TABLE visit_day_groups (
        site TEXT NOT NULL,
        field TEXT NOT NULL,
        day INTEGER NOT NULL,
        value TEXT NOT NULL,
        missing INTEGER NOT NULL,
        visitors INTEGER NOT NULL,
        visits INTEGER NOT NULL,
        bounces INTEGER NOT NULL,
        pageviews INTEGER NOT NULL,
        events INTEGER NOT NULL,
        engagement_ms INTEGER NOT NULL,
        PRIMARY KEY (site, field, day, value, missing)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE visit_days (
        site TEXT NOT NULL,
        visitor_id INTEGER NOT NULL,
        day INTEGER NOT NULL,
        multi INTEGER NOT NULL,
        PRIMARY KEY (site, visitor_id, day)
      ) STRICT, WITHOUT ROWID;

      CREATE INDEX visits_visitor ON visits (site, visitor_id, start_ts);
    `);
    // For the sites' shifts only.
    const rollups = new SqliteRollups(db, []);
    const groups = new SqliteVisitRollups(db, (site) => rollups.daysOf(site), false);
    for (const site of db.prepare<[], string>('SELECT DISTINCT site FROM visits').pluck().all()) groups.rebuildSite(site);
    db.exec('CREATE INDEX visit_days_multi ON visit_days (site, day, visitor_id) WHERE multi = 1');
  },
  // Per-day rollups of counted events by event name (rollups.ts), as the ones by page. Every site
  // with a counted event has a day_totals row; its name rows are counted under its shift.
  (db) => {
    db.exec(`
      CREATE TABLE day_name_visitors (
        site TEXT NOT NULL,
        visitor_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        day INTEGER NOT NULL,
        multi INTEGER NOT NULL,
        PRIMARY KEY (site, visitor_id, name, day)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE day_names (
        site TEXT NOT NULL,
        day INTEGER NOT NULL,
        name TEXT NOT NULL,
        visitors INTEGER NOT NULL,
        pageviews INTEGER NOT NULL,
        events INTEGER NOT NULL,
        PRIMARY KEY (site, day, name)
      ) STRICT, WITHOUT ROWID;
    `);
    const rollups = new SqliteRollups(db, ['name']);
    for (const site of db.prepare<[], string>('SELECT DISTINCT site FROM day_totals').pluck().all()) rollups.recountField(site, 'name');
    db.exec('CREATE INDEX day_name_visitors_multi ON day_name_visitors (site, day, name, visitor_id) WHERE multi = 1');
  },
  // When each API key was last used, so an operator can tell which keys to revoke.
  `
  ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
  `,
  // Ids of recent events (event-ids.ts), so a retried event is stored once.
  `
  CREATE TABLE event_ids (
    site TEXT NOT NULL,
    id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    PRIMARY KEY (site, id)
  ) STRICT, WITHOUT ROWID;

  CREATE INDEX event_ids_ts ON event_ids (ts);
  `,
  // Goals and funnels: definitions over events, so they apply to the events stored before them too.
  `
  CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (site, kind, value)
  ) STRICT;

  CREATE TABLE funnels (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    steps TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (site, name)
  ) STRICT;
  `,
  // Accounts for the web admin: people, their sessions, one-time links, shared dashboard links,
  // and a per-site choice of whether subdomains count (null: the server's ALLOW_SUBDOMAINS).
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    sites TEXT NOT NULL,
    password_hash TEXT,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT,
    shared_link_id TEXT,
    csrf TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expiry ON sessions (expires_at);

  CREATE TABLE one_time_tokens (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    sites TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE shared_links (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    password_hash TEXT,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE INDEX shared_links_site ON shared_links (site, created_at);

  ALTER TABLE sites ADD COLUMN allow_subdomains INTEGER;
  `,
  // The events with props, about a tenth: a prop filter that must find its prop reads these alone
  // (queries/sql.ts), where the stats index lacks props and each event cost a table lookup
  // (1.5-2.5 s against 0.12-0.2 s over 1,000,000 events, measured in one run).
  `
  CREATE INDEX events_site_ts_props ON events (site, ts, session_id, visitor_id, name, engagement_ms, path, props)
    WHERE props IS NOT NULL;
  `,
  // A label for each API key, so a listing tells what each one is for.
  `
  ALTER TABLE api_keys ADD COLUMN label TEXT;
  `,
  // The visits of visitors seen on several days, flagged and copied into a covering index: an
  // unfiltered visit panel recounts those visitors (queries/visit-groups.ts), which read one
  // range of this index instead of looking each visitor's visits up in the table (about 10 s for
  // 62,000 visitors over 10,000,000 events, measured).
  `
  ALTER TABLE visits ADD COLUMN multi INTEGER NOT NULL DEFAULT 0;
  UPDATE visits SET multi = 1 WHERE (site, visitor_id) IN (SELECT site, visitor_id FROM visit_days WHERE multi = 1);
  CREATE INDEX visits_multi ON visits (site, start_ts, visitor_id, end_ts, pageviews, events, engagement_ms, entry_page, exit_page,
    referrer_source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, country, browser, os, device)
    WHERE multi = 1;
  `,
  // Events by name and page: a goal, a funnel step or a page filter reads the events it names,
  // not every event in the range (a breakdown of three page goals over 1,000,000 events: 67 ms
  // of CPU instead of 204 ms, measured). The visitor and session come along for the counts.
  `
  CREATE INDEX events_site_name_path ON events (site, name, path, ts, visitor_id, session_id);
  `,
  // A page's viewers apart from its visitors (rollups.ts): a breakdown of page goals reads them
  // from the rollups instead of every pageview of its pages (57 ms over 1,000,000 events, measured).
  (db) => {
    db.exec(`
      ALTER TABLE day_page_visitors ADD COLUMN viewed INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE day_pages ADD COLUMN view_visitors INTEGER NOT NULL DEFAULT 0;
      DROP INDEX day_page_visitors_multi;
    `);
    const rollups = new SqliteRollups(db, ['page']);
    for (const site of db.prepare<[], string>('SELECT DISTINCT site FROM day_totals').pluck().all()) rollups.recountField(site, 'page');
    db.exec('CREATE INDEX day_page_visitors_multi ON day_page_visitors (site, day, path, visitor_id, viewed) WHERE multi = 1');
  },
  // Rollup days are each site's local dates (rollup-days.ts), where they started at its midnight
  // in standard time: a site whose zone changes its clocks recounts them.
  (db) => {
    const sites = db.prepare<[], { domain: string; timezone: string; shift: number }>(
      'SELECT domain, timezone, rollup_shift_ms AS shift FROM sites',
    ).all();
    db.exec('ALTER TABLE sites DROP COLUMN rollup_shift_ms');
    const rollups = new SqliteRollups(db);
    const groups = new SqliteVisitRollups(db, (site) => rollups.daysOf(site));
    for (const site of sites) {
      if (zoneDays(site.timezone).key === fixedDays(site.shift).key) continue;
      rollups.rebuildSite(site.domain);
      groups.rebuildSite(site.domain);
    }
  },
  // Visits and rollups follow the events in transactions of their own (projection.ts); every event
  // stored so far is already in them. A later migration that recounts them from the events must
  // set the mark to MAX(id) too, or the next fold counts the events after it a second time.
  `CREATE TABLE projection (last_event_id INTEGER NOT NULL) STRICT;
  INSERT INTO projection (last_event_id) SELECT COALESCE(MAX(id), 0) FROM events;`,
];

export function migrate(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  if (applied > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${applied} is newer than this server understands (${MIGRATIONS.length}); upgrade the server`,
    );
  }
  for (let version = applied; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      const migration = MIGRATIONS[version]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
