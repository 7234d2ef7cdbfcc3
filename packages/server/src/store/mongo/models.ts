/**
 * The collections, declared once with mongoose: events in a time-series collection; visits (one
 * per visit, kept at ingest: visits.ts), their spans, the per-day rollups (rollup-writes.ts), the
 * days and sites pending a recount (dirty-days.ts, site-rebuilds.ts), sites, API keys, day salts
 * and leases in ordinary ones. `ensureCollections` creates them and their indexes at start-up
 * and is safe to run again (an existing collection or identical index is left as it is).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { DIRTY_DAY_COLLECTION, type DirtyDayDocument } from './dirty-days.js';
import type { ApiKeyDocument, EventDocument, LeaseDocument, SaltDocument, SiteDocument } from './documents.js';
import { eventIdSchema, type EventIdDocument } from './event-ids.js';
import { ROLLUP_COLLECTIONS, type DayGroupDocument, type DayVisitorDocument } from './rollup-writes.js';
import type { VisitDocument } from './visit-writes.js';
import { REBUILD_COLLECTION, type RebuildDocument } from './site-rebuilds.js';
import { VISIT_COLLECTIONS, type SpanDocument } from './visits.js';

const nullableString = { type: String, default: null };
const nullableNumber = { type: Number, default: null };

const eventSchema = new Schema<EventDocument>(
  {
    ts: { type: Date, required: true },
    meta: { site: { type: String, required: true } },
    name: { type: String, required: true },
    path: { type: String, required: true },
    hostname: { type: String, required: true },
    referrer: nullableString,
    referrerSource: nullableString,
    utmSource: nullableString,
    utmMedium: nullableString,
    utmCampaign: nullableString,
    utmTerm: nullableString,
    utmContent: nullableString,
    browser: nullableString,
    os: nullableString,
    device: nullableString,
    country: nullableString,
    screenWidth: nullableNumber,
    visitorId: { type: Number, required: true },
    sessionId: { type: Number, required: true },
    engagementMs: nullableNumber,
    props: [{ _id: false, k: String, v: String }],
  },
  {
    collection: 'events',
    versionKey: false,
    // Buckets span up to a day ('minutes'): most sites send far fewer than the 1,000 events a
    // bucket holds per hour, and day-sized buckets compress better; busy sites fill buckets by count.
    timeseries: { timeField: 'ts', metaField: 'meta', granularity: 'minutes' },
  },
);
// Every stats query is one site over a time range.
eventSchema.index({ 'meta.site': 1, ts: 1 });
// Visits a range cuts, and visits a purge cuts, are rebuilt from their own events.
eventSchema.index({ 'meta.site': 1, sessionId: 1, ts: 1 });

const visitSchema = new Schema<VisitDocument>(
  {
    site: { type: String, required: true },
    sessionId: { type: Number, required: true },
    visitorId: { type: Number, required: true },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    attributes: { type: Schema.Types.Mixed, required: true },
    entryPage: nullableString,
    entryTs: { type: Date, default: null },
    exitPage: nullableString,
    exitTs: { type: Date, default: null },
    pageviews: { type: Number, required: true },
    events: { type: Number, required: true },
    engagementMs: { type: Number, required: true },
  },
  { collection: VISIT_COLLECTIONS.visits, versionKey: false },
);
// Stats read a site's visits by start; each batch upserts its visits by session.
visitSchema.index({ site: 1, start: 1 });
visitSchema.index({ site: 1, sessionId: 1 }, { unique: true });

const spanSchema = new Schema<SpanDocument>(
  { _id: { type: String, required: true }, longestMs: { type: Number, required: true } },
  { collection: VISIT_COLLECTIONS.spans, versionKey: false },
);

const rollupValue = { type: String, default: null };
const dayGroupSchema = new Schema<DayGroupDocument>(
  {
    site: { type: String, required: true },
    field: { type: String, required: true },
    day: { type: Number, required: true },
    value: rollupValue,
    visitors: { type: Number, required: true },
    pageviews: { type: Number, required: true },
    events: { type: Number, required: true },
  },
  { collection: ROLLUP_COLLECTIONS.groups, versionKey: false },
);
// Each batch upserts its groups by this key, and reads sum a site's field over a run of days.
dayGroupSchema.index({ site: 1, field: 1, day: 1, value: 1 }, { unique: true });
// Purges and recounts delete a site's days.
dayGroupSchema.index({ site: 1, day: 1 });

const dayVisitorSchema = new Schema<DayVisitorDocument>(
  {
    site: { type: String, required: true },
    field: { type: String, required: true },
    value: rollupValue,
    visitorId: { type: Number, required: true },
    day: { type: Number, required: true },
    multi: { type: Boolean, required: true },
  },
  { collection: ROLLUP_COLLECTIONS.visitors, versionKey: false },
);
// Upserts by the whole key; an edge's visitors are looked up by id, and an id's other days by id and value.
dayVisitorSchema.index({ site: 1, field: 1, visitorId: 1, value: 1, day: 1 }, { unique: true });
// The repeat correction reads only the rows of ids seen on several days: few, as anonymous ids live a day.
dayVisitorSchema.index({ site: 1, field: 1, day: 1 }, { partialFilterExpression: { multi: true } });
dayVisitorSchema.index({ site: 1, day: 1 });

const dirtyDaySchema = new Schema<DirtyDayDocument>(
  {
    site: { type: String, required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    pending: [{ _id: false, id: String, at: Date }],
    version: { type: Number, required: true },
  },
  { collection: DIRTY_DAY_COLLECTION, versionKey: false },
);
// Each batch upserts its days' markers by this key; reads look up a site's markers by its prefix.
dirtyDaySchema.index({ site: 1, from: 1 }, { unique: true });

const rebuildSchema = new Schema<RebuildDocument>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    until: { type: Date, required: true },
    from: { type: Date, default: null },
    to: { type: Date, default: null },
  },
  { collection: REBUILD_COLLECTION, versionKey: false },
);

const siteSchema = new Schema<SiteDocument>(
  {
    _id: { type: String, required: true },
    timezone: { type: String, required: true },
    createdAt: { type: Date, required: true },
    public: { type: Boolean, default: false },
    retentionDays: { type: Number, default: null },
    allowSubdomains: { type: Boolean, default: null },
  },
  { collection: 'sites', versionKey: false },
);

const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    site: { type: String, required: true },
    scopes: { type: [String], required: true },
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
    label: { type: String },
  },
  { collection: 'api_keys', versionKey: false },
);
// Every authenticated request looks its key up by hash; listings are per site, oldest first.
apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ site: 1, createdAt: 1, _id: 1 });

const saltSchema = new Schema<SaltDocument>(
  { _id: { type: String, required: true }, salt: { type: Buffer, required: true } },
  { collection: 'salts', versionKey: false },
);

const leaseSchema = new Schema<LeaseDocument>(
  { _id: { type: String, required: true }, holder: { type: String, required: true }, until: { type: Date, required: true } },
  { collection: 'leases', versionKey: false },
);

export interface Models {
  events: Model<EventDocument>;
  visits: Model<VisitDocument>;
  visitSpans: Model<SpanDocument>;
  dayGroups: Model<DayGroupDocument>;
  dayVisitors: Model<DayVisitorDocument>;
  dirtyDays: Model<DirtyDayDocument>;
  rebuilds: Model<RebuildDocument>;
  eventIds: Model<EventIdDocument>;
  sites: Model<SiteDocument>;
  apiKeys: Model<ApiKeyDocument>;
  salts: Model<SaltDocument>;
  leases: Model<LeaseDocument>;
}

export function defineModels(connection: Connection): Models {
  return {
    events: connection.model<EventDocument>('Event', eventSchema),
    visits: connection.model<VisitDocument>('Visit', visitSchema),
    visitSpans: connection.model<SpanDocument>('VisitSpan', spanSchema),
    dayGroups: connection.model<DayGroupDocument>('DayGroup', dayGroupSchema),
    dayVisitors: connection.model<DayVisitorDocument>('DayVisitor', dayVisitorSchema),
    dirtyDays: connection.model<DirtyDayDocument>('DirtyDay', dirtyDaySchema),
    rebuilds: connection.model<RebuildDocument>('RollupRebuild', rebuildSchema),
    eventIds: connection.model<EventIdDocument>('EventId', eventIdSchema),
    sites: connection.model<SiteDocument>('Site', siteSchema),
    apiKeys: connection.model<ApiKeyDocument>('ApiKey', apiKeySchema),
    salts: connection.model<SaltDocument>('Salt', saltSchema),
    leases: connection.model<LeaseDocument>('Lease', leaseSchema),
  };
}

export async function ensureCollections(models: Models): Promise<void> {
  const all = [models.events, models.visits, models.visitSpans, models.dayGroups, models.dayVisitors, models.dirtyDays, models.rebuilds, models.eventIds, models.sites, models.apiKeys, models.salts, models.leases];
  for (const model of all as Model<unknown>[]) {
    await model.createCollection();
    await model.createIndexes();
  }
}
