/**
 * The visits collection's documents (one per visit) and the writes that keep them exact, as pure
 * functions. A batch's events are first folded per visit in arrival order; each fold then becomes
 * a few updates whose filters decide what moves, so the stored visit ends up as if every event had
 * been folded in arrival order: counts add up, the start and its first-event attributes move only
 * to a strictly earlier event (an equal time keeps the earlier arrival), the entry page likewise,
 * and the exit page moves to an equal or later pageview (the later arrival wins the tie). Each
 * update is atomic on its own, so two servers writing the same visit still end up with the
 * earliest start and entry and the latest exit.
 */
import { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { FIRST_EVENT_FIELD_NAMES, FIRST_EVENT_FIELDS, type FirstEventField } from '../fields.js';
import type { StoredEvent } from '../types.js';
import type { EventDocument } from './documents.js';

export type VisitAttributes = Record<FirstEventField, string | null>;

/** A visit as stored; `attributes` are its first event's, keyed by their API names. */
export interface VisitDocument {
  site: string;
  sessionId: number;
  visitorId: number;
  start: Date;
  end: Date;
  attributes: VisitAttributes;
  entryPage: string | null;
  entryTs: Date | null;
  exitPage: string | null;
  exitTs: Date | null;
  pageviews: number;
  /** Custom events: counted events that are not pageviews. */
  events: number;
  engagementMs: number;
}

/** What a visit's event contributes, from a new StoredEvent or from a stored event document. */
interface VisitEvent {
  site: string;
  sessionId: number;
  ts: number;
  name: string;
  path: string;
  visitorId: number;
  engagementMs: number | null;
  attributes: VisitAttributes;
}

const attributesOf = (source: Record<string, unknown>, key: 'port' | 'mongo'): VisitAttributes =>
  Object.fromEntries(
    FIRST_EVENT_FIELD_NAMES.map((field) => [field, (source[FIRST_EVENT_FIELDS[field][key]] as string | null | undefined) ?? null]),
  ) as VisitAttributes;

const fromStored = (e: StoredEvent): VisitEvent => ({
  site: e.site,
  sessionId: e.sessionId,
  ts: e.ts,
  name: e.name,
  path: e.path,
  visitorId: e.visitorId,
  engagementMs: e.engagementMs,
  attributes: attributesOf(e as unknown as Record<string, unknown>, 'port'),
});

/** Events stored before the name left the bucket key keep it at meta.name. */
const fromDocument = (d: EventDocument): VisitEvent => ({
  site: d.meta.site,
  sessionId: d.sessionId,
  ts: d.ts.getTime(),
  name: d.name ?? (d.meta as { name?: string }).name ?? '',
  path: d.path,
  visitorId: d.visitorId,
  engagementMs: d.engagementMs,
  attributes: attributesOf(d as unknown as Record<string, unknown>, 'mongo'),
});

function fold(visits: Map<string, VisitDocument>, e: VisitEvent): void {
  const key = `${e.sessionId}\u0000${e.site}`;
  let visit = visits.get(key);
  if (visit === undefined) {
    const at = new Date(e.ts);
    visit = {
      site: e.site, sessionId: e.sessionId, visitorId: e.visitorId, start: at, end: at, attributes: e.attributes,
      entryPage: null, entryTs: null, exitPage: null, exitTs: null, pageviews: 0, events: 0, engagementMs: 0,
    };
    visits.set(key, visit);
  }
  if (e.ts < visit.start.getTime()) {
    visit.start = new Date(e.ts);
    visit.visitorId = e.visitorId;
    visit.attributes = e.attributes;
  }
  if (e.ts > visit.end.getTime()) visit.end = new Date(e.ts);
  if (e.name === PAGEVIEW) {
    visit.pageviews++;
    if (visit.entryTs === null || e.ts < visit.entryTs.getTime()) {
      visit.entryTs = new Date(e.ts);
      visit.entryPage = e.path;
    }
    if (visit.exitTs === null || e.ts >= visit.exitTs.getTime()) {
      visit.exitTs = new Date(e.ts);
      visit.exitPage = e.path;
    }
  } else if (e.name !== ENGAGEMENT) {
    visit.events++;
  }
  visit.engagementMs += e.engagementMs ?? 0;
}

/** The visits of a batch of new events, each folded from the batch's own events in arrival order. */
export function visitsOfBatch(events: readonly StoredEvent[]): VisitDocument[] {
  const visits = new Map<string, VisitDocument>();
  for (const event of events) fold(visits, fromStored(event));
  return [...visits.values()];
}

/** Whole visits from stored event documents given in arrival order. */
export function visitsOfDocuments(documents: readonly EventDocument[]): VisitDocument[] {
  const visits = new Map<string, VisitDocument>();
  for (const document of documents) fold(visits, fromDocument(document));
  return [...visits.values()];
}

export interface UpdateOne {
  updateOne: { filter: Record<string, unknown>; update: Record<string, Record<string, unknown>>; upsert?: boolean };
}

/** The visit's key; plain equality, so an upsert copies both fields into the document it creates. */
export const visitKey = (site: string, sessionId: number) => ({ site, sessionId });

/**
 * Merges a batch's part of a visit into the stored visit, in this order: the upsert (a new visit
 * is the part itself; an existing one gets its counts and end), then the conditional moves of the
 * start, entry and exit, which a new visit's own values never satisfy (or satisfy with themselves).
 */
export function mergeWrites(part: VisitDocument): UpdateOne[] {
  const key = visitKey(part.site, part.sessionId);
  const { visitorId, start, attributes, entryPage, entryTs, exitPage, exitTs } = part;
  const writes: UpdateOne[] = [
    {
      updateOne: {
        filter: key,
        update: {
          $setOnInsert: { visitorId, start, attributes, entryPage, entryTs, exitPage, exitTs },
          $max: { end: part.end },
          $inc: { pageviews: part.pageviews, events: part.events, engagementMs: part.engagementMs },
        },
        upsert: true,
      },
    },
    { updateOne: { filter: { ...key, start: { $gt: start } }, update: { $set: { start, visitorId, attributes } } } },
  ];
  if (entryTs !== null) {
    writes.push({
      updateOne: { filter: { ...key, $or: [{ entryTs: null }, { entryTs: { $gt: entryTs } }] }, update: { $set: { entryPage, entryTs } } },
    });
  }
  if (exitTs !== null) {
    writes.push({
      updateOne: { filter: { ...key, $or: [{ exitTs: null }, { exitTs: { $lte: exitTs } }] }, update: { $set: { exitPage, exitTs } } },
    });
  }
  return writes;
}
