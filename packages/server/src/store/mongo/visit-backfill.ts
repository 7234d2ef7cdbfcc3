/**
 * The first start on a database whose events predate the visits collection builds their visits,
 * once: a marker in `migrations` records that it finished, so a start interrupted half-way simply
 * builds them again (rebuilding a visit from its events is idempotent).
 */
import type { Model } from 'mongoose';
import type { EventDocument } from './documents.js';
import type { MongoVisits } from './visits.js';

export interface MigrationCollection {
  findOne(filter: Record<string, unknown>): Promise<unknown>;
  updateOne(filter: Record<string, unknown>, update: { $set: { doneAt: Date } }, options: { upsert: true }): Promise<unknown>;
}

const VISITS_FROM_EVENTS = 'visits-from-events';

export async function backfillVisits(events: Model<EventDocument>, visits: MongoVisits, migrations: MigrationCollection, now: Date): Promise<void> {
  if ((await migrations.findOne({ _id: { $eq: VISITS_FROM_EVENTS } })) !== null) return;
  const sessions = events
    .aggregate<{ _id: { site: string; sessionId: number } }>([
      { $group: { _id: { site: '$meta.site', sessionId: '$sessionId' } } },
      { $sort: { '_id.site': 1, '_id.sessionId': 1 } },
    ])
    .option({ allowDiskUse: true })
    .cursor();
  await visits.fill(
    (async function* () {
      for await (const row of sessions) yield row._id;
    })(),
  );
  await migrations.updateOne({ _id: { $eq: VISITS_FROM_EVENTS } }, { $set: { doneAt: now } }, { upsert: true });
}
