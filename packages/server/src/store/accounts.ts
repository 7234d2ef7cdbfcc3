/**
 * The accounts port: people who sign in to the web admin, their sessions, one-time links
 * (first-run setup, invitations, password resets) and shared dashboard links. Secrets never
 * reach the store: sessions, one-time links and shared links are kept by the SHA-256 of their
 * token, passwords by their scrypt hash.
 */

export type Role = 'owner' | 'admin' | 'viewer';

export interface UserRecord {
  id: string;
  /** Lower case; unique. */
  email: string;
  role: Role;
  /** The sites a viewer may read; empty for owners and admins, who may read every site. */
  sites: string[];
  /** Null until the person has chosen a password through a one-time link. */
  passwordHash: string | null;
  createdAt: number;
}

export interface UserPatch {
  passwordHash?: string;
  role?: Role;
  sites?: string[];
}

/** A signed-in browser, or one that gave a shared link's password. */
export interface SessionRecord {
  /** SHA-256 of the cookie's token: the look-up key. */
  hash: string;
  /** Public id, for listing and ending a session; not enough to use it. */
  id: string;
  userId: string | null;
  sharedLinkId: string | null;
  /** The token every form of this session carries. */
  csrf: string;
  /** Browser and system, so a person can tell their sessions apart. */
  label: string;
  createdAt: number;
  expiresAt: number;
}

export type OneTimeKind = 'setup' | 'invite' | 'reset';

export interface OneTimeTokenRecord {
  /** SHA-256 of the token in the link. */
  hash: string;
  kind: OneTimeKind;
  /** Who the link is for: the invited or resetting person; empty for setup. */
  email: string;
  /** The role an invitation grants (owner for setup). */
  role: Role;
  sites: string[];
  createdAt: number;
  expiresAt: number;
}

export interface SharedLinkRecord {
  id: string;
  site: string;
  /** SHA-256 of the token in the link. */
  hash: string;
  label: string;
  /** scrypt hash when the link asks for a password. */
  passwordHash: string | null;
  createdAt: number;
}

export interface AccountStore {
  /** False when the e-mail address is taken. */
  createUser(user: UserRecord): Promise<boolean>;
  getUser(id: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  /** By e-mail. */
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  /** The user after the change, or null when there is none. */
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null>;
  /** Deletes the user and every session of theirs. */
  deleteUser(id: string): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  /** Null when there is none or it has expired. */
  findSession(hash: string, now: number): Promise<SessionRecord | null>;
  /** The user's unexpired sessions, oldest first. */
  listSessions(userId: string, now: number): Promise<SessionRecord[]>;
  /** Ends the user's session with that public id. */
  deleteSession(userId: string, id: string): Promise<boolean>;
  deleteSessionByHash(hash: string): Promise<void>;
  /** Ends every session of the user: a password change or a removal. */
  deleteUserSessions(userId: string): Promise<void>;
  /** Ends every session opened with a shared link. */
  deleteLinkSessions(sharedLinkId: string): Promise<void>;

  createToken(token: OneTimeTokenRecord): Promise<void>;
  /** The unexpired token, left in place (a page that shows the form). */
  findToken(hash: string, now: number): Promise<OneTimeTokenRecord | null>;
  /** The unexpired token, deleted in the same step, so two requests cannot both use it. */
  takeToken(hash: string, now: number): Promise<OneTimeTokenRecord | null>;
  /** Unexpired invitations, oldest first. */
  listInvites(now: number): Promise<OneTimeTokenRecord[]>;
  /** Deletes the unused one-time links for an address (a newer one replaces them). */
  deleteTokensFor(email: string, kind: OneTimeKind): Promise<void>;

  createSharedLink(link: SharedLinkRecord): Promise<void>;
  findSharedLink(hash: string): Promise<SharedLinkRecord | null>;
  getSharedLink(id: string): Promise<SharedLinkRecord | null>;
  /** Oldest first. */
  listSharedLinks(site: string): Promise<SharedLinkRecord[]>;
  deleteSharedLink(site: string, id: string): Promise<boolean>;
}
