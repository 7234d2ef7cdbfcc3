import type { Model } from 'mongoose';
import { storedEvent } from '../../../test/support/store-basics.js';
import { claimEventIds, duplicatesOf, type EventIdDocument } from './event-ids.js';

/** The part of a mongoose model the claim uses, over a plain set of taken _ids, refusing as MongoDB does. */
function fakeModel(taken: Set<string>, failure?: Error) {
  const model = {
    async insertMany(documents: EventIdDocument[]) {
      if (failure !== undefined) throw failure;
      const writeErrors: Array<{ index: number; code: number }> = [];
      documents.forEach((document, index) => {
        if (taken.has(document._id)) writeErrors.push({ index, code: 11000 });
        taken.add(document._id);
      });
      if (writeErrors.length > 0) throw Object.assign(new Error('E11000 duplicate key error'), { code: 11000, writeErrors });
      return documents;
    },
    deleteMany(filter: { _id: { $in: string[] } }) {
      return { exec: async () => filter._id.$in.forEach((id) => taken.delete(id)) };
    },
  };
  return model as unknown as Model<EventIdDocument>;
}

describe('event ids in MongoDB', () => {
  it('lets through events without an id and those whose id is new, once each, within a batch too', async () => {
    const taken = new Set<string>();
    const model = fakeModel(taken);
    const first = storedEvent({ eventId: 'evt-0001' });
    const plain = storedEvent();
    const { fresh } = await claimEventIds(model, [first, plain, { ...first, ts: first.ts + 1 }]);
    expect(fresh).toEqual([first, plain]);
    const again = await claimEventIds(model, [first, storedEvent({ eventId: 'evt-0002' }), { ...first, site: 'other.example' }]);
    expect(again.fresh.map((event) => `${event.site} ${event.eventId}`)).toEqual(['example.com evt-0002', 'other.example evt-0001']);
  });

  it('gives the claimed ids back when the events could not be written, so a retry is stored', async () => {
    const taken = new Set<string>();
    const model = fakeModel(taken);
    const event = storedEvent({ eventId: 'evt-0003' });
    await (await claimEventIds(model, [event])).release();
    expect((await claimEventIds(model, [event])).fresh).toEqual([event]);
  });

  it('never takes a failure other than a duplicate for a duplicate', async () => {
    const outage = Object.assign(new Error('not primary'), { code: 10107 });
    await expect(claimEventIds(fakeModel(new Set(), outage), [storedEvent({ eventId: 'evt-0004' })])).rejects.toBe(outage);
    const mixed = Object.assign(new Error('bulk'), { writeErrors: [{ index: 0, code: 11000 }, { index: 1, code: 121 }] });
    expect(() => duplicatesOf(mixed)).toThrow('bulk');
    expect(duplicatesOf({ writeErrors: { index: 2, code: 11000 } })).toEqual(new Set([2]));
  });
});
