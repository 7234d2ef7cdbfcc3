/**
 * API keys: 256 random bits shown once, stored as their SHA-256. A hash is enough (no slow KDF)
 * because the secret is random, not a password someone chose.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, EventStore, KeyScope, SiteAdmin } from '../store/types.js';

export const KEY_PREFIX = 'sl_';

export const hashKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface IssuedKey {
  record: ApiKeyRecord;
  /** The only time the secret exists outside its holder's hands. */
  secret: string;
}

export async function issueKey(
  store: Pick<EventStore & SiteAdmin, 'createApiKey'>,
  site: string,
  scopes: KeyScope[],
  now: number,
  label?: string,
): Promise<IssuedKey> {
  const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
  const record: ApiKeyRecord = {
    id: `key_${randomBytes(6).toString('hex')}`,
    site,
    scopes: [...new Set(scopes)].sort() as KeyScope[],
    hash: hashKey(secret),
    createdAt: now,
    ...(label === undefined || label === '' ? {} : { label }),
  };
  await store.createApiKey(record);
  return { record, secret };
}

/** What listings and the creation answer show of a key; never the hash. */
export function keyJson(record: ApiKeyRecord) {
  return {
    id: record.id,
    site: record.site,
    scopes: record.scopes,
    created_at: new Date(record.createdAt).toISOString(),
    last_used_at: record.lastUsedAt === undefined ? null : new Date(record.lastUsedAt).toISOString(),
  };
}
