/**
 * A lease in MongoDB: one document per leased task naming its holder and until when it holds.
 * Taking it is one atomic upsert; while another holder's lease runs the filter matches nothing,
 * the upsert collides with the existing _id, and the claim fails.
 */
import type { Model } from 'mongoose';
import type { LeaseDocument } from './documents.js';

const DUPLICATE_KEY = 11000;

export async function claimLease(leases: Model<LeaseDocument>, task: string, holder: string, now: number, forMs: number): Promise<boolean> {
  try {
    await leases
      .updateOne(
        { _id: { $eq: task }, $or: [{ holder: { $eq: holder } }, { until: { $lte: new Date(now) } }] },
        { $set: { holder, until: new Date(now + forMs) } },
        { upsert: true },
      )
      .exec();
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}
