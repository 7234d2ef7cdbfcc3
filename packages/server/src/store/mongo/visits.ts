/**
 * The visits collection kept at ingest (visit-writes.ts), and kept consistent by purges and site
 * deletion. `visit_spans` holds each site's longest visit, as far as it has grown: a visit that
 * crosses an instant started at most that long before it, which bounds the visits a stats range
 * cuts (pipelines/cut-visits.ts).
 *
 * The collections are the driver's, or in tests the same calls evaluated by mingo.
 */
import type { StoredEvent } from '../types.js';
import type { EventDocument } from './documents.js';
import { mergeWrites, visitKey, visitsOfBatch, visitsOfDocuments, type UpdateOne, type VisitDocument } from './visit-writes.js';

export const VISIT_COLLECTIONS = { visits: 'visits', spans: 'visit_spans' } as const;

export type VisitWrite =
  | UpdateOne
  | { replaceOne: { filter: Record<string, unknown>; replacement: VisitDocument; upsert: true } }
  | { deleteOne: { filter: Record<string, unknown> } };

type Filter = Record<string, unknown>;

export interface VisitCollection {
  bulkWrite(writes: VisitWrite[], options: { ordered: true }): Promise<unknown>;
  find(filter: Filter, options: { projection: Record<string, 1 | 0> }): { toArray(): Promise<Array<Partial<VisitDocument>>> };
  deleteMany(filter: Filter): Promise<unknown>;
}

export interface SpanDocument {
  /** The site. */
  _id: string;
  longestMs: number;
}

export interface SpanCollection {
  updateOne(filter: Filter, update: { $max: { longestMs: number } }, options: { upsert: true }): Promise<unknown>;
  deleteOne(filter: Filter): Promise<unknown>;
}

/** A site's stored events of some sessions, in arrival order. */
export type SessionEvents = (site: string, sessionIds: readonly number[]) => Promise<EventDocument[]>;

/** Sessions rebuilt from their events per round trip (a purge's cut visits, a repair, the first fill). */
const REBUILD_CHUNK = 1_000;

export class MongoVisits {
  constructor(
    private readonly visits: VisitCollection,
    private readonly spanDocuments: SpanCollection,
    private readonly sessionEvents: SessionEvents,
  ) {}

  /** Folds a batch of stored events into their visits; runs once the events are written. */
  async record(events: readonly StoredEvent[]): Promise<void> {
    const parts = visitsOfBatch(events);
    if (parts.length === 0) return;
    await this.visits.bulkWrite(parts.flatMap(mergeWrites), { ordered: true });
    const bySite = new Map<string, number[]>();
    for (const part of parts) {
      const sessionIds = bySite.get(part.site) ?? [];
      sessionIds.push(part.sessionId);
      bySite.set(part.site, sessionIds);
    }
    for (const [site, sessionIds] of bySite) {
      const written = await this.visits.find({ site, sessionId: { $in: sessionIds } }, { projection: { start: 1, end: 1 } }).toArray();
      await this.noteSpan(site, written);
    }
  }

  /** Not cached per server: another server may delete the site, and with it the span. */
  private async noteSpan(site: string, visits: ReadonlyArray<Partial<VisitDocument>>): Promise<void> {
    if (visits.length === 0) return;
    const longest = visits.reduce((most, visit) => Math.max(most, visit.end!.getTime() - visit.start!.getTime()), 0);
    await this.spanDocuments.updateOne({ _id: { $eq: site } }, { $max: { longestMs: longest } }, { upsert: true });
  }

  /**
   * Builds the visits of sessions stored before the visits collection existed, from their events;
   * `sessions` lists each (site, session) once, a site's sessions together.
   */
  async fill(sessions: AsyncIterable<{ site: string; sessionId: number }>): Promise<void> {
    let site: string | undefined;
    let chunk: number[] = [];
    for await (const session of sessions) {
      if ((session.site !== site || chunk.length === REBUILD_CHUNK) && site !== undefined) {
        await this.rebuild(site, chunk);
        chunk = [];
      }
      site = session.site;
      chunk.push(session.sessionId);
    }
    if (site !== undefined) await this.rebuild(site, chunk);
  }

  /**
   * Rebuilds the visits of a batch from their stored events, after its merge failed part-way:
   * whatever part of the merge was applied, the rebuilt visits are exact.
   */
  async repair(events: readonly StoredEvent[]): Promise<void> {
    const bySite = new Map<string, Set<number>>();
    for (const event of events) bySite.set(event.site, (bySite.get(event.site) ?? new Set()).add(event.sessionId));
    for (const [site, sessionIds] of bySite) await this.rebuildSessions(site, [...sessionIds]);
  }

  /** Rebuilds some sessions' visits from their stored events: a repair, or a dirty day's sessions. */
  async rebuildSessions(site: string, sessionIds: readonly number[]): Promise<void> {
    for (let i = 0; i < sessionIds.length; i += REBUILD_CHUNK) await this.rebuild(site, sessionIds.slice(i, i + REBUILD_CHUNK));
  }

  /**
   * Runs after the site's events with ts < before are deleted: visits that ended before it go,
   * and the few it cuts in two are rebuilt from the events they have left.
   */
  async purged(site: string, before: number): Promise<void> {
    const cutoff = new Date(before);
    await this.visits.deleteMany({ site: { $eq: site }, start: { $lt: cutoff }, end: { $lt: cutoff } });
    const cut = await this.visits.find({ site: { $eq: site }, start: { $lt: cutoff } }, { projection: { sessionId: 1 } }).toArray();
    await this.rebuildSessions(site, cut.map((visit) => visit.sessionId!));
  }

  private async rebuild(site: string, sessionIds: readonly number[]): Promise<void> {
    const rebuilt = new Map(visitsOfDocuments(await this.sessionEvents(site, sessionIds)).map((visit) => [visit.sessionId, visit]));
    const writes: VisitWrite[] = sessionIds.map((sessionId) => {
      const visit = rebuilt.get(sessionId);
      const filter = visitKey(site, sessionId);
      return visit === undefined ? { deleteOne: { filter } } : { replaceOne: { filter, replacement: visit, upsert: true } };
    });
    await this.visits.bulkWrite(writes, { ordered: true });
    await this.noteSpan(site, [...rebuilt.values()]);
  }

  async deleteSite(site: string): Promise<void> {
    await this.visits.deleteMany({ site: { $eq: site } });
    await this.spanDocuments.deleteOne({ _id: { $eq: site } });
  }
}
