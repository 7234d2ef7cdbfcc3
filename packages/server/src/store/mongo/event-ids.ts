/**
 * Event ids seen lately, per site, in a collection of their own: a time-series collection has no
 * unique indexes. An id is claimed (inserted under a unique _id) before its event is written and
 * given back if the write fails, so a retry after a failure is stored and a retry after a success
 * is not. A TTL index forgets ids after EVENT_ID_MEMORY_MS.
 */
import { Schema, type Model } from 'mongoose';
import { EVENT_ID_MEMORY_MS, type StoredEvent } from '../types.js';

export interface EventIdDocument {
  /** Site and id: a site's ids are its own. */
  _id: string;
  /** When the event happened; the TTL index counts from it. */
  at: Date;
}

export const eventIdSchema = new Schema<EventIdDocument>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'event_ids', versionKey: false },
);
eventIdSchema.index({ at: 1 }, { expireAfterSeconds: EVENT_ID_MEMORY_MS / 1000 });

const DUPLICATE_KEY = 11000;

/** A domain has no NUL, so a site's keys are exactly those between `site\0` and `site\1`. */
const keyOf = (site: string, id: string) => `${site}\u0000${id}`;

/**
 * The positions an unordered insert refused because their _id was taken; rethrows any other
 * failure, so a claim is never mistaken for a duplicate when the server did not answer.
 */
export function duplicatesOf(error: unknown): Set<number> {
  const listed = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const writeErrors = (Array.isArray(listed) ? listed : listed === undefined ? [] : [listed]) as Array<{ index?: unknown; code?: unknown }>;
  if (writeErrors.length === 0 || writeErrors.some((failure) => failure.code !== DUPLICATE_KEY || typeof failure.index !== 'number')) {
    throw error;
  }
  return new Set(writeErrors.map((failure) => failure.index as number));
}

export interface Claim {
  /** The events to write: those without an id, and those whose id was not seen before. */
  fresh: readonly StoredEvent[];
  /** Gives the ids claimed back, for when the events could not be written. */
  release(): Promise<void>;
}

export async function claimEventIds(model: Model<EventIdDocument>, events: readonly StoredEvent[]): Promise<Claim> {
  const identified = events.flatMap((event, position) =>
    event.eventId === undefined ? [] : [{ position, document: { _id: keyOf(event.site, event.eventId), at: new Date(event.ts) } }],
  );
  if (identified.length === 0) return { fresh: events, release: async () => undefined };
  let refused = new Set<number>();
  try {
    await model.insertMany(identified.map(({ document }) => document), { ordered: false, lean: true });
  } catch (error) {
    refused = duplicatesOf(error);
  }
  const seen = new Set(identified.filter((_, i) => refused.has(i)).map(({ position }) => position));
  const claimed = identified.filter((_, i) => !refused.has(i)).map(({ document }) => document._id);
  return {
    fresh: events.filter((_, position) => !seen.has(position)),
    release: async () => {
      if (claimed.length > 0) await model.deleteMany({ _id: { $in: claimed } }).exec();
    },
  };
}

export async function forgetEventIds(model: Model<EventIdDocument>, site: string): Promise<void> {
  await model.deleteMany({ _id: { $gte: keyOf(site, ''), $lt: `${site}\u0001` } }).exec();
}
