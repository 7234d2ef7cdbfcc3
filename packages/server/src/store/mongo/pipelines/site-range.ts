/** The `$match` every stats pipeline starts with: one site, optionally one time range. */
import type { PipelineStage } from 'mongoose';
import type { TimeRange } from '../../types.js';

/** `$eq` keeps a value a value even if a caller ever passed an object. */
export function matchSite(site: string, range?: TimeRange): PipelineStage.Match {
  const match: Record<string, unknown> = { 'meta.site': { $eq: site } };
  if (range !== undefined) match.ts = { $gte: new Date(range.from), $lt: new Date(range.to) };
  return { $match: match };
}
