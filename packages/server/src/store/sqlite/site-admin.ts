/** Site settings and API keys in the SQLite store. */
import type Database from 'better-sqlite3';
import type { ApiKeyRecord, KeyScope, SitePatch } from '../types.js';

interface KeyRow {
  id: string;
  site: string;
  scopes: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  label: string | null;
}

const toKey = (row: KeyRow): ApiKeyRecord => ({
  id: row.id,
  site: row.site,
  scopes: row.scopes.split(' ') as KeyScope[],
  hash: row.hash,
  createdAt: row.created_at,
  ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
  ...(row.label === null ? {} : { label: row.label }),
});

const KEY_COLUMNS = 'id, site, scopes, hash, created_at, last_used_at, label';

export class SqliteSiteAdmin {
  private readonly setPublic;
  private readonly setSubdomains;
  private readonly exists;
  private readonly insertKey;
  private readonly selectKeyByHash;
  private readonly selectKeys;
  private readonly setKeyUsed;
  private readonly deleteKey;

  constructor(db: Database.Database) {
    this.setPublic = db.prepare('UPDATE sites SET public = ? WHERE domain = ?');
    this.setSubdomains = db.prepare('UPDATE sites SET allow_subdomains = ? WHERE domain = ?');
    this.exists = db.prepare<[string], number>('SELECT 1 FROM sites WHERE domain = ?').pluck();
    this.insertKey = db.prepare('INSERT INTO api_keys (id, site, scopes, hash, created_at, label) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectKeyByHash = db.prepare<[string], KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE hash = ?`);
    this.selectKeys = db.prepare<[string], KeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE site = ? ORDER BY created_at, id`);
    this.setKeyUsed = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
    this.deleteKey = db.prepare('DELETE FROM api_keys WHERE site = ? AND id = ?');
  }

  /** False when the site does not exist. The time zone is the store's to change, with the rollups. */
  updateSite(domain: string, patch: Omit<SitePatch, 'timezone'>): boolean {
    if (patch.public !== undefined) this.setPublic.run(patch.public ? 1 : 0, domain);
    if (patch.allowSubdomains !== undefined) this.setSubdomains.run(patch.allowSubdomains === null ? null : patch.allowSubdomains ? 1 : 0, domain);
    return this.exists.get(domain) !== undefined;
  }

  createApiKey(key: ApiKeyRecord): void {
    this.insertKey.run(key.id, key.site, key.scopes.join(' '), key.hash, key.createdAt, key.label ?? null);
  }

  findApiKey(hash: string): ApiKeyRecord | null {
    const row = this.selectKeyByHash.get(hash);
    return row ? toKey(row) : null;
  }

  listApiKeys(site: string): ApiKeyRecord[] {
    return this.selectKeys.all(site).map(toKey);
  }

  markApiKeyUsed(id: string, at: number): void {
    this.setKeyUsed.run(at, id);
  }

  deleteApiKey(site: string, id: string): boolean {
    return this.deleteKey.run(site, id).changes === 1;
  }
}
