/**
 * Sessions in Redis: one key per session that expires with it, and a set per user and per
 * shared link naming their sessions, so all of them can be ended at once. Unlike the cache,
 * sessions have no in-process fallback: an instance that cannot reach Redis cannot tell a live
 * session from an ended one, so it answers 503 rather than guess.
 */
import type { RedisClient } from '../cache/redis-client.js';
import { HttpError, RETRY_AFTER_SECONDS } from '../http/errors.js';
import type { SessionRecord } from '../store/accounts.js';
import type { SessionStore } from './session-store.js';

const unavailable = () =>
  new HttpError(503, 'sessions are kept in Redis, which does not answer; retry later', undefined, { 'Retry-After': RETRY_AFTER_SECONDS });

export class RedisSessions implements SessionStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  private sessionKey = (hash: string) => `${this.prefix}session:${hash}`;
  private userKey = (userId: string) => `${this.prefix}user-sessions:${userId}`;
  private linkKey = (linkId: string) => `${this.prefix}link-sessions:${linkId}`;

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.client.isReady) throw unavailable();
    try {
      return await work();
    } catch {
      throw unavailable();
    }
  }

  create(session: SessionRecord): Promise<void> {
    return this.run(async () => {
      const ttl = { expiration: { type: 'PXAT', value: session.expiresAt } } as const;
      await this.client.set(this.sessionKey(session.hash), JSON.stringify(session), ttl);
      const owner = session.userId !== null ? this.userKey(session.userId) : session.sharedLinkId !== null ? this.linkKey(session.sharedLinkId) : null;
      if (owner !== null) await this.client.sAdd(owner, session.hash);
    });
  }

  find(hash: string, now: number): Promise<SessionRecord | null> {
    return this.run(async () => {
      const raw = await this.client.get(this.sessionKey(hash));
      if (raw === null) return null;
      const session = JSON.parse(raw) as SessionRecord;
      return session.expiresAt > now ? session : null;
    });
  }

  listOfUser(userId: string, now: number): Promise<SessionRecord[]> {
    return this.run(async () => {
      const hashes = await this.client.sMembers(this.userKey(userId));
      if (hashes.length === 0) return [];
      const raws = await this.client.mGet(hashes.map(this.sessionKey));
      // Members whose key has expired are dropped from the set as they are found.
      const gone = hashes.filter((_hash, i) => raws[i] === null);
      if (gone.length > 0) await this.client.sRem(this.userKey(userId), gone);
      return raws
        .filter((raw): raw is string => typeof raw === 'string')
        .map((raw) => JSON.parse(raw) as SessionRecord)
        .filter((session) => session.expiresAt > now)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    });
  }

  async endOfUser(userId: string, id: string): Promise<boolean> {
    const session = (await this.listOfUser(userId, 0)).find((candidate) => candidate.id === id);
    if (session === undefined) return false;
    await this.end(session.hash);
    return true;
  }

  end(hash: string): Promise<void> {
    return this.run(async () => {
      const raw = await this.client.get(this.sessionKey(hash));
      await this.client.del(this.sessionKey(hash));
      const session = raw === null ? null : (JSON.parse(raw) as SessionRecord);
      if (session?.userId) await this.client.sRem(this.userKey(session.userId), hash);
    });
  }

  endAllOfUser(userId: string): Promise<void> {
    return this.endAllIn(this.userKey(userId));
  }

  endAllOfLink(sharedLinkId: string): Promise<void> {
    return this.endAllIn(this.linkKey(sharedLinkId));
  }

  private endAllIn(setKey: string): Promise<void> {
    return this.run(async () => {
      const hashes = await this.client.sMembers(setKey);
      if (hashes.length > 0) await this.client.del(hashes.map(this.sessionKey));
      await this.client.del(setKey);
    });
  }
}
