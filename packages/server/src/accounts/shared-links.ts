/**
 * Shared links: a secret URL that shows one site's dashboard, read-only, to whoever has it. The
 * token is shown once, at creation, and kept as its SHA-256; a link may also ask for a password,
 * which opens a session for that link alone in the browser that gave it.
 */
import type { Clock } from '../clock.js';
import type { AccountStore, SharedLinkRecord } from '../store/accounts.js';
import { AccountError } from './accounts.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { newId, newToken, tokenHash } from './secrets.js';
import type { SessionStore } from './session-store.js';

/** Tells a shared link from an API key (`sl_`) wherever a bearer token is read. */
export const SHARED_LINK_PREFIX = 'sh_';

export const MAX_LABEL_LENGTH = 100;

export interface CreatedLink {
  link: SharedLinkRecord;
  url: string;
}

export const sharedLinkPath = (site: string, token: string) => `/share/${encodeURIComponent(site)}/${token}`;

export class SharedLinks {
  constructor(
    private readonly store: AccountStore,
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  async create(site: string, rawLabel: string, password: string): Promise<CreatedLink> {
    const label = rawLabel.trim();
    if (label.length > MAX_LABEL_LENGTH) throw new AccountError(`keep the label under ${MAX_LABEL_LENGTH} characters`);
    if (password !== '') {
      const problem = passwordProblem(password);
      if (problem !== null) throw new AccountError(problem);
    }
    const token = SHARED_LINK_PREFIX + newToken();
    const link: SharedLinkRecord = {
      id: newId('lnk'),
      site,
      hash: tokenHash(token),
      label: label === '' ? 'Shared link' : label,
      passwordHash: password === '' ? null : await hashPassword(password),
      createdAt: this.clock.now(),
    };
    await this.store.createSharedLink(link);
    return { link, url: this.publicUrl + sharedLinkPath(site, token) };
  }

  /** The link a token names, for its site. */
  async find(site: string, token: string): Promise<SharedLinkRecord | null> {
    if (!token.startsWith(SHARED_LINK_PREFIX)) return null;
    const link = await this.store.findSharedLink(tokenHash(token));
    return link?.site === site ? link : null;
  }

  checkPassword(link: SharedLinkRecord, password: string): Promise<boolean> {
    return link.passwordHash === null || password.length > 1024 ? Promise.resolve(false) : verifyPassword(password, link.passwordHash);
  }

  /** The link stops working at once, and so do the sessions its password opened. */
  async revoke(site: string, id: string): Promise<boolean> {
    const revoked = await this.store.deleteSharedLink(site, id);
    if (revoked) await this.sessions.endAllOfLink(id);
    return revoked;
  }
}
