/**
 * The field vocabulary: each stored field once, under every name it goes by. Adapters derive
 * their columns, paths and visit attributes from these tables instead of spelling fields out.
 *
 *   api     the Stats API's name after `visit:` or `event:` (shared/src/stats-query.ts)
 *   port    the StoredEvent key (types.ts)
 *   column  the SQLite column, in both the events and the visits table
 *   mongo   the path in a MongoDB event document (mongo/documents.ts)
 */
import type { EventField, StoredEvent, VisitField } from './types.js';

interface FieldNames<Api extends string> {
  api: Api;
  port: keyof StoredEvent;
  column: string;
  mongo: string;
}

/** Event properties: each event has its own value. */
export const EVENT_FIELDS: Readonly<Record<EventField, FieldNames<EventField>>> = {
  page: { api: 'page', port: 'path', column: 'path', mongo: 'path' },
  name: { api: 'name', port: 'name', column: 'name', mongo: 'name' },
  hostname: { api: 'hostname', port: 'hostname', column: 'hostname', mongo: 'hostname' },
};

export type FirstEventField = Exclude<VisitField, 'entry_page' | 'exit_page'>;

type NullableTextKey = {
  [K in keyof StoredEvent]: StoredEvent[K] extends string | null ? (null extends StoredEvent[K] ? K : never) : never;
}[keyof StoredEvent];

/** Visit properties taken from the visit's first event. */
export const FIRST_EVENT_FIELDS: Readonly<Record<FirstEventField, FieldNames<FirstEventField> & { port: NullableTextKey }>> = {
  source: { api: 'source', port: 'referrerSource', column: 'referrer_source', mongo: 'referrerSource' },
  referrer: { api: 'referrer', port: 'referrer', column: 'referrer', mongo: 'referrer' },
  utm_source: { api: 'utm_source', port: 'utmSource', column: 'utm_source', mongo: 'utmSource' },
  utm_medium: { api: 'utm_medium', port: 'utmMedium', column: 'utm_medium', mongo: 'utmMedium' },
  utm_campaign: { api: 'utm_campaign', port: 'utmCampaign', column: 'utm_campaign', mongo: 'utmCampaign' },
  utm_term: { api: 'utm_term', port: 'utmTerm', column: 'utm_term', mongo: 'utmTerm' },
  utm_content: { api: 'utm_content', port: 'utmContent', column: 'utm_content', mongo: 'utmContent' },
  country: { api: 'country', port: 'country', column: 'country', mongo: 'country' },
  browser: { api: 'browser', port: 'browser', column: 'browser', mongo: 'browser' },
  os: { api: 'os', port: 'os', column: 'os', mongo: 'os' },
  device: { api: 'device', port: 'device', column: 'device', mongo: 'device' },
};

export const FIRST_EVENT_FIELD_NAMES = Object.keys(FIRST_EVENT_FIELDS) as FirstEventField[];

export const isFirstEventField = (field: VisitField): field is FirstEventField => field in FIRST_EVENT_FIELDS;

/** The visits table's columns of the visit's pages; `page` of its first and last pageview. */
export const PAGE_VISIT_COLUMNS: Readonly<Record<'entry_page' | 'exit_page', string>> = {
  entry_page: 'entry_page',
  exit_page: 'exit_page',
};

/** The SQLite column of a visit property, in the visits table. */
export const visitColumn = (field: VisitField): string =>
  isFirstEventField(field) ? FIRST_EVENT_FIELDS[field].column : PAGE_VISIT_COLUMNS[field];
