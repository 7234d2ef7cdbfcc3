/**
 * People and how they get in: the first-run setup link, sign-in, sessions, invitations and
 * password resets by one-time link, password changes. Every secret handed out (a session's
 * cookie, a link's token) is random and kept only as its SHA-256.
 */
import type { Clock } from '../clock.js';
import type { AccountStore, OneTimeKind, OneTimeTokenRecord, Role, SessionRecord, UserRecord } from '../store/accounts.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { newId, newToken, tokenHash } from './secrets.js';
import type { SessionStore } from './session-store.js';

const HOUR_MS = 3_600_000;
export const SESSION_TTL_MS = 14 * 24 * HOUR_MS;
/** How long each kind of one-time link can be used. */
const LINK_TTL_MS: Record<OneTimeKind, number> = { setup: 24 * HOUR_MS, invite: 7 * 24 * HOUR_MS, reset: 24 * HOUR_MS };
/** Where each kind of link leads. */
const LINK_PATH: Record<OneTimeKind, string> = { setup: '/setup', invite: '/welcome', reset: '/welcome' };

export const ROLES: readonly Role[] = ['owner', 'admin', 'viewer'];

/** A refusal to show the person as it is: a form error on a page. */
export class AccountError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new AccountError('enter an e-mail address such as ada@example.com');
  return email;
}

export interface OpenedSession {
  /** The cookie's value: the only copy of the secret. */
  token: string;
  session: SessionRecord;
}

export interface Signer {
  session: SessionRecord;
  user: UserRecord;
}

export class Accounts {
  constructor(
    readonly store: AccountStore,
    readonly sessions: SessionStore,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  needsSetup(): Promise<boolean> {
    return this.store.countUsers().then((count) => count === 0);
  }

  /** A new one-time link of `kind` for `email`; older unused ones of that kind for the address stop working. */
  async issueLink(kind: OneTimeKind, email: string, role: Role, sites: string[]): Promise<string> {
    const token = newToken();
    const now = this.clock.now();
    await this.store.deleteTokensFor(email, kind);
    await this.store.createToken({ hash: tokenHash(token), kind, email, role, sites, createdAt: now, expiresAt: now + LINK_TTL_MS[kind] });
    return `${this.publicUrl}${LINK_PATH[kind]}?token=${token}`;
  }

  /** The first-run link: printed at start-up while nobody has an account. */
  setupLink(): Promise<string> {
    return this.issueLink('setup', '', 'owner', []);
  }

  /** The link's record when it is of one of `kinds` and still usable; it stays usable. */
  async peekLink(token: string, kinds: OneTimeKind[]): Promise<OneTimeTokenRecord | null> {
    if (token === '') return null;
    const record = await this.store.findToken(tokenHash(token), this.clock.now());
    return record !== null && kinds.includes(record.kind) ? record : null;
  }

  /** Creates the owner with the setup link, once: the link is used up, and refused when someone has an account. */
  async completeSetup(token: string, rawEmail: string, password: string): Promise<UserRecord> {
    const email = normalEmail(rawEmail);
    const problem = passwordProblem(password);
    if (problem !== null) throw new AccountError(problem);
    if ((await this.peekLink(token, ['setup'])) === null || !(await this.needsSetup())) throw new AccountError('this setup link is used up or has expired');
    const record = await this.store.takeToken(tokenHash(token), this.clock.now());
    if (record?.kind !== 'setup') throw new AccountError('this setup link is used up or has expired');
    const user = this.newUser(email, 'owner', [], await hashPassword(password));
    if (!(await this.store.createUser(user))) throw new AccountError(`${email} already has an account`);
    return user;
  }

  /** A person invited (or added from the command line) without a password yet; the link lets them choose one. */
  async invite(rawEmail: string, role: Role, sites: string[]): Promise<string> {
    const email = normalEmail(rawEmail);
    const user = this.newUser(email, role, role === 'viewer' ? [...new Set(sites)].sort() : [], null);
    if (!(await this.store.createUser(user))) throw new AccountError(`${email} already has an account`);
    return this.issueLink('invite', email, role, user.sites);
  }

  /** A link with which the person chooses a new password; their sessions end when they do. */
  async resetLink(rawEmail: string): Promise<string> {
    const email = normalEmail(rawEmail);
    const user = await this.store.findUserByEmail(email);
    if (user === null) throw new AccountError(`nobody has an account as ${email}`);
    return this.issueLink('reset', email, user.role, user.sites);
  }

  /** Sets the password an invitation or reset link was for; the link is used up and every session of the person ends. */
  async choosePassword(token: string, password: string): Promise<UserRecord> {
    const problem = passwordProblem(password);
    if (problem !== null) throw new AccountError(problem);
    const record = await this.peekLink(token, ['invite', 'reset']);
    const taken = record === null ? null : await this.store.takeToken(tokenHash(token), this.clock.now());
    const user = taken === null ? null : await this.store.findUserByEmail(taken.email);
    if (user === null) throw new AccountError('this link is used up or has expired: ask for a new one');
    await this.sessions.endAllOfUser(user.id);
    return (await this.store.updateUser(user.id, { passwordHash: await hashPassword(password) })) ?? user;
  }

  /** The person, when the e-mail address and password match; null otherwise, after the same work either way. */
  async checkPassword(rawEmail: string, password: string): Promise<UserRecord | null> {
    const user = EMAIL.test(rawEmail.trim().toLowerCase()) ? await this.store.findUserByEmail(rawEmail.trim().toLowerCase()) : null;
    const hash = user?.passwordHash ?? (await decoyHash());
    const matches = password.length <= 1024 && (await verifyPassword(password, hash));
    return matches && user?.passwordHash ? user : null;
  }

  /** A new session with a new secret: a sign-in never keeps the id a browser came with. */
  async openSession(owner: { userId: string } | { sharedLinkId: string }, label: string, ttlMs = SESSION_TTL_MS): Promise<OpenedSession> {
    const token = newToken();
    const now = this.clock.now();
    const session: SessionRecord = {
      hash: tokenHash(token),
      id: newId('ses'),
      userId: 'userId' in owner ? owner.userId : null,
      sharedLinkId: 'sharedLinkId' in owner ? owner.sharedLinkId : null,
      csrf: newToken(),
      label,
      createdAt: now,
      expiresAt: now + ttlMs,
    };
    await this.sessions.create(session);
    return { token, session };
  }

  /** The session a cookie names, when it is live. */
  findSession(token: string): Promise<SessionRecord | null> {
    return token === '' ? Promise.resolve(null) : this.sessions.find(tokenHash(token), this.clock.now());
  }

  /** The signed-in person behind a cookie, when the session is live and the person still exists. */
  async signerOf(token: string): Promise<Signer | null> {
    const session = await this.findSession(token);
    if (session?.userId == null) return null;
    const user = await this.store.getUser(session.userId);
    return user === null ? null : { session, user };
  }

  endSession(session: SessionRecord): Promise<void> {
    return this.sessions.end(session.hash);
  }

  /** Ends every session of the person, this one included; the caller opens a new one for this browser. */
  async changePassword(user: UserRecord, current: string, next: string): Promise<void> {
    if (user.passwordHash === null || !(await verifyPassword(current, user.passwordHash))) throw new AccountError('the current password is not right');
    const problem = passwordProblem(next);
    if (problem !== null) throw new AccountError(problem);
    await this.store.updateUser(user.id, { passwordHash: await hashPassword(next) });
    await this.sessions.endAllOfUser(user.id);
  }

  async removeUser(user: UserRecord): Promise<void> {
    await this.sessions.endAllOfUser(user.id);
    await this.store.deleteUser(user.id);
    await this.store.deleteTokensFor(user.email, 'invite');
    await this.store.deleteTokensFor(user.email, 'reset');
  }

  private newUser(email: string, role: Role, sites: string[], passwordHash: string | null): UserRecord {
    return { id: newId('usr'), email, role, sites, passwordHash, createdAt: this.clock.now() };
  }
}

/** Who may do what: owners everything, admins every site, viewers read the sites chosen for them. */
export const mayAdminister = (user: UserRecord) => user.role === 'owner' || user.role === 'admin';
export const mayManagePeople = (user: UserRecord) => user.role === 'owner';
export const mayRead = (user: UserRecord, site: string) => mayAdminister(user) || user.sites.includes(site);
