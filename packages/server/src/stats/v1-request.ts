/**
 * What the v1 stats routes share: their dependencies, the cache key built from the normalized
 * query, and the answer written with its cache headers.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import type { ReadThrough } from '../cache/cached.js';
import type { Clock } from '../clock.js';
import type { SiteAccess } from '../sites/site-access.js';
import type { StatsQueries, TimeRange } from '../store/types.js';
import type { VisitState } from '../visits/types.js';
import { sendCachedJson, ttlFor } from './cache-policy.js';

export interface V1Deps {
  queries: StatsQueries;
  access: SiteAccess;
  cached: ReadThrough;
  visits: VisitState;
  clock: Clock;
}

/**
 * The key holds the query as resolved (UTC instants, metrics in their fixed order, filters
 * sorted), so the order and spelling of parameters never split the cache, while "today"
 * becomes a new key at the site's midnight. A sliding 30-minute range is keyed by its name.
 */
export function cacheKey(endpoint: string, site: string, resolved: Record<string, unknown>): string {
  const digest = createHash('sha256').update(JSON.stringify(resolved)).digest('base64url');
  return `stats:v1:${endpoint}:${site}:${digest}`;
}

export const rangeKey = (period: string, range: TimeRange) => (period === '30m' ? '30m' : [range.from, range.to]);

export async function answer(
  res: Response,
  deps: Pick<V1Deps, 'cached' | 'clock'>,
  key: string,
  range: TimeRange,
  compute: () => Promise<unknown>,
): Promise<void> {
  const ttl = ttlFor(range.to, deps.clock.now());
  const { body, hit } = await deps.cached.get(key, ttl, compute);
  sendCachedJson(res, body, hit, ttl);
}
