/** People, sessions, one-time links and shared links in the SQLite store. */
import type Database from 'better-sqlite3';
import type {
  AccountStore,
  OneTimeKind,
  OneTimeTokenRecord,
  Role,
  SessionRecord,
  SharedLinkRecord,
  UserPatch,
  UserRecord,
} from '../accounts.js';
import { StoreError } from '../types.js';

interface UserRow {
  id: string;
  email: string;
  role: string;
  sites: string;
  password_hash: string | null;
  created_at: number;
}

interface SessionRow {
  hash: string;
  id: string;
  user_id: string | null;
  shared_link_id: string | null;
  csrf: string;
  label: string;
  created_at: number;
  expires_at: number;
}

interface TokenRow {
  hash: string;
  kind: string;
  email: string;
  role: string;
  sites: string;
  created_at: number;
  expires_at: number;
}

interface LinkRow {
  id: string;
  site: string;
  hash: string;
  label: string;
  password_hash: string | null;
  created_at: number;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  role: row.role as Role,
  sites: JSON.parse(row.sites) as string[],
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

const toSession = (row: SessionRow): SessionRecord => ({
  hash: row.hash,
  id: row.id,
  userId: row.user_id,
  sharedLinkId: row.shared_link_id,
  csrf: row.csrf,
  label: row.label,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

const toToken = (row: TokenRow): OneTimeTokenRecord => ({
  hash: row.hash,
  kind: row.kind as OneTimeKind,
  email: row.email,
  role: row.role as Role,
  sites: JSON.parse(row.sites) as string[],
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

const toLink = (row: LinkRow): SharedLinkRecord => ({
  id: row.id,
  site: row.site,
  hash: row.hash,
  label: row.label,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

const USER = 'id, email, role, sites, password_hash, created_at';
const SESSION = 'hash, id, user_id, shared_link_id, csrf, label, created_at, expires_at';
const TOKEN = 'hash, kind, email, role, sites, created_at, expires_at';
const LINK = 'id, site, hash, label, password_hash, created_at';

export class SqliteAccounts implements AccountStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insertUser: db.prepare(`INSERT INTO users (${USER}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      userById: db.prepare<[string], UserRow>(`SELECT ${USER} FROM users WHERE id = ?`),
      userByEmail: db.prepare<[string], UserRow>(`SELECT ${USER} FROM users WHERE email = ?`),
      users: db.prepare<[], UserRow>(`SELECT ${USER} FROM users ORDER BY email`),
      countUsers: db.prepare<[], number>('SELECT COUNT(*) FROM users').pluck(),
      updateUser: db.prepare(
        'UPDATE users SET password_hash = coalesce(@passwordHash, password_hash), role = coalesce(@role, role), sites = coalesce(@sites, sites) WHERE id = @id',
      ),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      insertSession: db.prepare(`INSERT INTO sessions (${SESSION}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      sessionByHash: db.prepare<[string, number], SessionRow>(`SELECT ${SESSION} FROM sessions WHERE hash = ? AND expires_at > ?`),
      sessionsOf: db.prepare<[string, number], SessionRow>(`SELECT ${SESSION} FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at, id`),
      deleteSession: db.prepare('DELETE FROM sessions WHERE user_id = ? AND id = ?'),
      deleteSessionByHash: db.prepare('DELETE FROM sessions WHERE hash = ?'),
      deleteUserSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      deleteLinkSessions: db.prepare('DELETE FROM sessions WHERE shared_link_id = ?'),
      deleteExpiredSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      insertToken: db.prepare(`INSERT INTO one_time_tokens (${TOKEN}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      tokenByHash: db.prepare<[string, number], TokenRow>(`SELECT ${TOKEN} FROM one_time_tokens WHERE hash = ? AND expires_at > ?`),
      takeToken: db.prepare<[string, number], TokenRow>(`DELETE FROM one_time_tokens WHERE hash = ? AND expires_at > ? RETURNING ${TOKEN}`),
      invites: db.prepare<[number], TokenRow>(`SELECT ${TOKEN} FROM one_time_tokens WHERE kind = 'invite' AND expires_at > ? ORDER BY created_at, hash`),
      deleteTokensFor: db.prepare('DELETE FROM one_time_tokens WHERE email = ? AND kind = ?'),
      deleteExpiredTokens: db.prepare('DELETE FROM one_time_tokens WHERE expires_at <= ?'),
      insertLink: db.prepare(`INSERT INTO shared_links (${LINK}) VALUES (?, ?, ?, ?, ?, ?)`),
      linkByHash: db.prepare<[string], LinkRow>(`SELECT ${LINK} FROM shared_links WHERE hash = ?`),
      linkById: db.prepare<[string], LinkRow>(`SELECT ${LINK} FROM shared_links WHERE id = ?`),
      linksOf: db.prepare<[string], LinkRow>(`SELECT ${LINK} FROM shared_links WHERE site = ? ORDER BY created_at, id`),
      deleteLink: db.prepare('DELETE FROM shared_links WHERE site = ? AND id = ?'),
    };
  }

  private run<T>(method: string, work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(new StoreError('sqlite', method, error));
    }
  }

  createUser(user: UserRecord): Promise<boolean> {
    return this.run(
      'createUser',
      () => this.statements.insertUser.run(user.id, user.email, user.role, JSON.stringify(user.sites), user.passwordHash, user.createdAt).changes === 1,
    );
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.run('getUser', () => {
      const row = this.statements.userById.get(id);
      return row ? toUser(row) : null;
    });
  }

  findUserByEmail(email: string): Promise<UserRecord | null> {
    return this.run('findUserByEmail', () => {
      const row = this.statements.userByEmail.get(email);
      return row ? toUser(row) : null;
    });
  }

  listUsers(): Promise<UserRecord[]> {
    return this.run('listUsers', () => this.statements.users.all().map(toUser));
  }

  countUsers(): Promise<number> {
    return this.run('countUsers', () => this.statements.countUsers.get() as number);
  }

  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    return this.run('updateUser', () => {
      this.statements.updateUser.run({
        id,
        passwordHash: patch.passwordHash ?? null,
        role: patch.role ?? null,
        sites: patch.sites === undefined ? null : JSON.stringify(patch.sites),
      });
      const row = this.statements.userById.get(id);
      return row ? toUser(row) : null;
    });
  }

  deleteUser(id: string): Promise<boolean> {
    return this.run('deleteUser', () =>
      this.db.transaction(() => {
        this.statements.deleteUserSessions.run(id);
        return this.statements.deleteUser.run(id).changes === 1;
      })(),
    );
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.run('createSession', () => {
      // Sessions are created far less often than they are read: the place to sweep the expired ones.
      this.statements.deleteExpiredSessions.run(session.createdAt);
      this.statements.insertSession.run(
        session.hash,
        session.id,
        session.userId,
        session.sharedLinkId,
        session.csrf,
        session.label,
        session.createdAt,
        session.expiresAt,
      );
    });
  }

  findSession(hash: string, now: number): Promise<SessionRecord | null> {
    return this.run('findSession', () => {
      const row = this.statements.sessionByHash.get(hash, now);
      return row ? toSession(row) : null;
    });
  }

  listSessions(userId: string, now: number): Promise<SessionRecord[]> {
    return this.run('listSessions', () => this.statements.sessionsOf.all(userId, now).map(toSession));
  }

  deleteSession(userId: string, id: string): Promise<boolean> {
    return this.run('deleteSession', () => this.statements.deleteSession.run(userId, id).changes === 1);
  }

  deleteSessionByHash(hash: string): Promise<void> {
    return this.run('deleteSessionByHash', () => void this.statements.deleteSessionByHash.run(hash));
  }

  deleteUserSessions(userId: string): Promise<void> {
    return this.run('deleteUserSessions', () => void this.statements.deleteUserSessions.run(userId));
  }

  deleteLinkSessions(sharedLinkId: string): Promise<void> {
    return this.run('deleteLinkSessions', () => void this.statements.deleteLinkSessions.run(sharedLinkId));
  }

  createToken(token: OneTimeTokenRecord): Promise<void> {
    return this.run('createToken', () => {
      this.statements.deleteExpiredTokens.run(token.createdAt);
      this.statements.insertToken.run(token.hash, token.kind, token.email, token.role, JSON.stringify(token.sites), token.createdAt, token.expiresAt);
    });
  }

  findToken(hash: string, now: number): Promise<OneTimeTokenRecord | null> {
    return this.run('findToken', () => {
      const row = this.statements.tokenByHash.get(hash, now);
      return row ? toToken(row) : null;
    });
  }

  takeToken(hash: string, now: number): Promise<OneTimeTokenRecord | null> {
    return this.run('takeToken', () => {
      const row = this.statements.takeToken.get(hash, now);
      return row ? toToken(row) : null;
    });
  }

  listInvites(now: number): Promise<OneTimeTokenRecord[]> {
    return this.run('listInvites', () => this.statements.invites.all(now).map(toToken));
  }

  deleteTokensFor(email: string, kind: OneTimeKind): Promise<void> {
    return this.run('deleteTokensFor', () => void this.statements.deleteTokensFor.run(email, kind));
  }

  createSharedLink(link: SharedLinkRecord): Promise<void> {
    return this.run('createSharedLink', () => void this.statements.insertLink.run(link.id, link.site, link.hash, link.label, link.passwordHash, link.createdAt));
  }

  findSharedLink(hash: string): Promise<SharedLinkRecord | null> {
    return this.run('findSharedLink', () => {
      const row = this.statements.linkByHash.get(hash);
      return row ? toLink(row) : null;
    });
  }

  getSharedLink(id: string): Promise<SharedLinkRecord | null> {
    return this.run('getSharedLink', () => {
      const row = this.statements.linkById.get(id);
      return row ? toLink(row) : null;
    });
  }

  listSharedLinks(site: string): Promise<SharedLinkRecord[]> {
    return this.run('listSharedLinks', () => this.statements.linksOf.all(site).map(toLink));
  }

  deleteSharedLink(site: string, id: string): Promise<boolean> {
    return this.run('deleteSharedLink', () =>
      this.db.transaction(() => {
        this.statements.deleteLinkSessions.run(id);
        return this.statements.deleteLink.run(site, id).changes === 1;
      })(),
    );
  }
}
