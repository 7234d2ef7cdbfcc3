/** Site settings and API keys in the SQLite store. */
import type Database from 'better-sqlite3';
import type { ApiKeyRecord, KeyScope, SitePatch } from '../types.js';

interface KeyRow {
  id: string;
  site: string;
  scopes: string;
  hash: string;
  created_at: number;
}

const toKey = (row: KeyRow): ApiKeyRecord => ({
  id: row.id,
  site: row.site,
  scopes: row.scopes.split(' ') as KeyScope[],
  hash: row.hash,
  createdAt: row.created_at,
});

export class SqliteSiteAdmin {
  private readonly setPublic;
  private readonly insertKey;
  private readonly selectKeyByHash;
  private readonly selectKeys;

  constructor(db: Database.Database) {
    this.setPublic = db.prepare('UPDATE sites SET public = ? WHERE domain = ?');
    this.insertKey = db.prepare('INSERT INTO api_keys (id, site, scopes, hash, created_at) VALUES (?, ?, ?, ?, ?)');
    this.selectKeyByHash = db.prepare<[string], KeyRow>('SELECT id, site, scopes, hash, created_at FROM api_keys WHERE hash = ?');
    this.selectKeys = db.prepare<[string], KeyRow>(
      'SELECT id, site, scopes, hash, created_at FROM api_keys WHERE site = ? ORDER BY created_at, id',
    );
  }

  /** False when the site does not exist. */
  updateSite(domain: string, patch: SitePatch): boolean {
    if (patch.public === undefined) return true;
    return this.setPublic.run(patch.public ? 1 : 0, domain).changes === 1;
  }

  createApiKey(key: ApiKeyRecord): void {
    this.insertKey.run(key.id, key.site, key.scopes.join(' '), key.hash, key.createdAt);
  }

  findApiKey(hash: string): ApiKeyRecord | null {
    const row = this.selectKeyByHash.get(hash);
    return row ? toKey(row) : null;
  }

  listApiKeys(site: string): ApiKeyRecord[] {
    return this.selectKeys.all(site).map(toKey);
  }
}
