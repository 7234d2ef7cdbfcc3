/**
 * People, sessions, one-time links and shared links in MongoDB: four ordinary collections,
 * reached through the few collection methods below so the same code runs on the driver and,
 * in tests, on mingo. Expired sessions and links are removed by TTL indexes.
 */
import type {
  AccountStore,
  OneTimeKind,
  OneTimeTokenRecord,
  SessionRecord,
  SharedLinkRecord,
  UserPatch,
  UserRecord,
} from '../accounts.js';
import { StoreError } from '../types.js';

type Filter = Record<string, unknown>;

/** The part of a driver collection these accounts use. */
export interface DocumentCollection<D> {
  createIndex(spec: Record<string, 1 | -1>, options?: { unique?: boolean; expireAfterSeconds?: number }): Promise<unknown>;
  insertOne(document: D): Promise<unknown>;
  findOne(filter: Filter): Promise<D | null>;
  find(filter: Filter, options: { sort: Record<string, 1 | -1> }): { toArray(): Promise<D[]> };
  updateOne(filter: Filter, update: { $set: Partial<D> }): Promise<{ matchedCount: number }>;
  deleteOne(filter: Filter): Promise<{ deletedCount: number }>;
  deleteMany(filter: Filter): Promise<unknown>;
  findOneAndDelete(filter: Filter): Promise<D | null>;
  countDocuments(filter: Filter): Promise<number>;
}

export interface UserDocument {
  _id: string;
  email: string;
  role: UserRecord['role'];
  sites: string[];
  passwordHash: string | null;
  createdAt: Date;
}

export interface SessionDocument {
  _id: string;
  publicId: string;
  userId: string | null;
  sharedLinkId: string | null;
  csrf: string;
  label: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface TokenDocument {
  _id: string;
  kind: OneTimeKind;
  email: string;
  role: UserRecord['role'];
  sites: string[];
  createdAt: Date;
  expiresAt: Date;
}

export interface SharedLinkDocument {
  _id: string;
  site: string;
  hash: string;
  label: string;
  passwordHash: string | null;
  createdAt: Date;
}

export interface AccountCollections {
  users: DocumentCollection<UserDocument>;
  sessions: DocumentCollection<SessionDocument>;
  tokens: DocumentCollection<TokenDocument>;
  sharedLinks: DocumentCollection<SharedLinkDocument>;
}

/** The collections' names in the database. */
export const ACCOUNT_COLLECTIONS: Record<keyof AccountCollections, string> = {
  users: 'users',
  sessions: 'sessions',
  tokens: 'one_time_tokens',
  sharedLinks: 'shared_links',
};

const DUPLICATE_KEY = 11000;

const toUser = (doc: UserDocument): UserRecord => ({
  id: doc._id,
  email: doc.email,
  role: doc.role,
  sites: [...doc.sites],
  passwordHash: doc.passwordHash,
  createdAt: doc.createdAt.getTime(),
});

const toSession = (doc: SessionDocument): SessionRecord => ({
  hash: doc._id,
  id: doc.publicId,
  userId: doc.userId,
  sharedLinkId: doc.sharedLinkId,
  csrf: doc.csrf,
  label: doc.label,
  createdAt: doc.createdAt.getTime(),
  expiresAt: doc.expiresAt.getTime(),
});

const toToken = (doc: TokenDocument): OneTimeTokenRecord => ({
  hash: doc._id,
  kind: doc.kind,
  email: doc.email,
  role: doc.role,
  sites: [...doc.sites],
  createdAt: doc.createdAt.getTime(),
  expiresAt: doc.expiresAt.getTime(),
});

const toLink = (doc: SharedLinkDocument): SharedLinkRecord => ({
  id: doc._id,
  site: doc.site,
  hash: doc.hash,
  label: doc.label,
  passwordHash: doc.passwordHash,
  createdAt: doc.createdAt.getTime(),
});

// A TTL index deletes within a minute or so of expiry; the filters keep an expired record unused meanwhile.
const unexpired = (now: number) => ({ expiresAt: { $gt: new Date(now) } });

export class MongoAccounts implements AccountStore {
  constructor(private readonly collections: AccountCollections) {}

  /** Safe to run again: an identical index is left as it is. */
  async ensureIndexes(): Promise<void> {
    const { users, sessions, tokens, sharedLinks } = this.collections;
    await users.createIndex({ email: 1 }, { unique: true });
    await sessions.createIndex({ publicId: 1 }, { unique: true });
    await sessions.createIndex({ userId: 1 });
    await sessions.createIndex({ sharedLinkId: 1 });
    await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await tokens.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await tokens.createIndex({ kind: 1, createdAt: 1 });
    await sharedLinks.createIndex({ hash: 1 }, { unique: true });
    await sharedLinks.createIndex({ site: 1, createdAt: 1 });
  }

  private async run<T>(method: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new StoreError('mongo', method, error);
    }
  }

  createUser(user: UserRecord): Promise<boolean> {
    return this.run('createUser', async () => {
      try {
        await this.collections.users.insertOne({
          _id: user.id,
          email: user.email,
          role: user.role,
          sites: [...user.sites],
          passwordHash: user.passwordHash,
          createdAt: new Date(user.createdAt),
        });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
        throw error;
      }
    });
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.run('getUser', async () => {
      const doc = await this.collections.users.findOne({ _id: id });
      return doc === null ? null : toUser(doc);
    });
  }

  findUserByEmail(email: string): Promise<UserRecord | null> {
    return this.run('findUserByEmail', async () => {
      const doc = await this.collections.users.findOne({ email });
      return doc === null ? null : toUser(doc);
    });
  }

  listUsers(): Promise<UserRecord[]> {
    return this.run('listUsers', async () => (await this.collections.users.find({}, { sort: { email: 1 } }).toArray()).map(toUser));
  }

  countUsers(): Promise<number> {
    return this.run('countUsers', () => this.collections.users.countDocuments({}));
  }

  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    return this.run('updateUser', async () => {
      const set: Partial<UserDocument> = {};
      if (patch.passwordHash !== undefined) set.passwordHash = patch.passwordHash;
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.sites !== undefined) set.sites = [...patch.sites];
      if (Object.keys(set).length > 0) await this.collections.users.updateOne({ _id: id }, { $set: set });
      const doc = await this.collections.users.findOne({ _id: id });
      return doc === null ? null : toUser(doc);
    });
  }

  deleteUser(id: string): Promise<boolean> {
    return this.run('deleteUser', async () => {
      // Sessions first: a crash in between leaves a user without sessions, never sessions without a user.
      await this.collections.sessions.deleteMany({ userId: id });
      return (await this.collections.users.deleteOne({ _id: id })).deletedCount === 1;
    });
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.run('createSession', async () => {
      await this.collections.sessions.insertOne({
        _id: session.hash,
        publicId: session.id,
        userId: session.userId,
        sharedLinkId: session.sharedLinkId,
        csrf: session.csrf,
        label: session.label,
        createdAt: new Date(session.createdAt),
        expiresAt: new Date(session.expiresAt),
      });
    });
  }

  findSession(hash: string, now: number): Promise<SessionRecord | null> {
    return this.run('findSession', async () => {
      const doc = await this.collections.sessions.findOne({ _id: hash, ...unexpired(now) });
      return doc === null ? null : toSession(doc);
    });
  }

  listSessions(userId: string, now: number): Promise<SessionRecord[]> {
    return this.run('listSessions', async () =>
      (await this.collections.sessions.find({ userId, ...unexpired(now) }, { sort: { createdAt: 1, publicId: 1 } }).toArray()).map(toSession),
    );
  }

  deleteSession(userId: string, id: string): Promise<boolean> {
    return this.run('deleteSession', async () => (await this.collections.sessions.deleteOne({ userId, publicId: id })).deletedCount === 1);
  }

  deleteSessionByHash(hash: string): Promise<void> {
    return this.run('deleteSessionByHash', async () => void (await this.collections.sessions.deleteOne({ _id: hash })));
  }

  deleteUserSessions(userId: string): Promise<void> {
    return this.run('deleteUserSessions', async () => void (await this.collections.sessions.deleteMany({ userId })));
  }

  deleteLinkSessions(sharedLinkId: string): Promise<void> {
    return this.run('deleteLinkSessions', async () => void (await this.collections.sessions.deleteMany({ sharedLinkId })));
  }

  createToken(token: OneTimeTokenRecord): Promise<void> {
    return this.run('createToken', async () => {
      await this.collections.tokens.insertOne({
        _id: token.hash,
        kind: token.kind,
        email: token.email,
        role: token.role,
        sites: [...token.sites],
        createdAt: new Date(token.createdAt),
        expiresAt: new Date(token.expiresAt),
      });
    });
  }

  findToken(hash: string, now: number): Promise<OneTimeTokenRecord | null> {
    return this.run('findToken', async () => {
      const doc = await this.collections.tokens.findOne({ _id: hash, ...unexpired(now) });
      return doc === null ? null : toToken(doc);
    });
  }

  takeToken(hash: string, now: number): Promise<OneTimeTokenRecord | null> {
    return this.run('takeToken', async () => {
      // One atomic step: of two requests with the same link, only one gets the document.
      const doc = await this.collections.tokens.findOneAndDelete({ _id: hash, ...unexpired(now) });
      return doc === null ? null : toToken(doc);
    });
  }

  listInvites(now: number): Promise<OneTimeTokenRecord[]> {
    return this.run('listInvites', async () =>
      (await this.collections.tokens.find({ kind: 'invite', ...unexpired(now) }, { sort: { createdAt: 1, _id: 1 } }).toArray()).map(toToken),
    );
  }

  deleteTokensFor(email: string, kind: OneTimeKind): Promise<void> {
    return this.run('deleteTokensFor', async () => void (await this.collections.tokens.deleteMany({ email, kind })));
  }

  createSharedLink(link: SharedLinkRecord): Promise<void> {
    return this.run('createSharedLink', async () => {
      await this.collections.sharedLinks.insertOne({
        _id: link.id,
        site: link.site,
        hash: link.hash,
        label: link.label,
        passwordHash: link.passwordHash,
        createdAt: new Date(link.createdAt),
      });
    });
  }

  findSharedLink(hash: string): Promise<SharedLinkRecord | null> {
    return this.run('findSharedLink', async () => {
      const doc = await this.collections.sharedLinks.findOne({ hash });
      return doc === null ? null : toLink(doc);
    });
  }

  getSharedLink(id: string): Promise<SharedLinkRecord | null> {
    return this.run('getSharedLink', async () => {
      const doc = await this.collections.sharedLinks.findOne({ _id: id });
      return doc === null ? null : toLink(doc);
    });
  }

  listSharedLinks(site: string): Promise<SharedLinkRecord[]> {
    return this.run('listSharedLinks', async () =>
      (await this.collections.sharedLinks.find({ site }, { sort: { createdAt: 1, _id: 1 } }).toArray()).map(toLink),
    );
  }

  deleteSharedLink(site: string, id: string): Promise<boolean> {
    return this.run('deleteSharedLink', async () => {
      const deleted = (await this.collections.sharedLinks.deleteOne({ _id: id, site })).deletedCount === 1;
      if (deleted) await this.collections.sessions.deleteMany({ sharedLinkId: id });
      return deleted;
    });
  }
}
