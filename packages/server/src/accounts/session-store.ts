/**
 * Where sessions live: in the event store by default, in Redis when REDIS_URL is set. Either
 * way every instance sees the same sessions, so ending one (logout, a password change, a
 * revoked shared link) ends it everywhere at once.
 */
import type { AccountStore, SessionRecord } from '../store/accounts.js';

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  find(hash: string, now: number): Promise<SessionRecord | null>;
  listOfUser(userId: string, now: number): Promise<SessionRecord[]>;
  /** Ends the user's session with that public id; false when they have none such. */
  endOfUser(userId: string, id: string): Promise<boolean>;
  end(hash: string): Promise<void>;
  endAllOfUser(userId: string): Promise<void>;
  endAllOfLink(sharedLinkId: string): Promise<void>;
}

export class StoreSessions implements SessionStore {
  constructor(private readonly accounts: AccountStore) {}

  create(session: SessionRecord): Promise<void> {
    return this.accounts.createSession(session);
  }

  find(hash: string, now: number): Promise<SessionRecord | null> {
    return this.accounts.findSession(hash, now);
  }

  listOfUser(userId: string, now: number): Promise<SessionRecord[]> {
    return this.accounts.listSessions(userId, now);
  }

  endOfUser(userId: string, id: string): Promise<boolean> {
    return this.accounts.deleteSession(userId, id);
  }

  end(hash: string): Promise<void> {
    return this.accounts.deleteSessionByHash(hash);
  }

  endAllOfUser(userId: string): Promise<void> {
    return this.accounts.deleteUserSessions(userId);
  }

  endAllOfLink(sharedLinkId: string): Promise<void> {
    return this.accounts.deleteLinkSessions(sharedLinkId);
  }
}
