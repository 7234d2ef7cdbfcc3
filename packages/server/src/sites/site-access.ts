/**
 * Who may do what with a site: public sites' stats are readable by anyone, key or no key; otherwise a
 * bearer key of that site with the scope, or the operator's ADMIN_TOKEN. A site's stats are also
 * readable by a signed-in person whose role allows it, and with one of the site's shared links
 * (after its password, when it has one). The route hands over the
 * token it was sent; an unknown site, a missing or wrong key, and a key of another site or without
 * the scope are three different errors (404, 401 and 403 once http/errors.ts maps them).
 *
 * Keys are looked up in the store on every request, never remembered: a revoked key is refused at
 * once by every instance sharing the store.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { NotAuthenticated, NotPermitted, UnknownSite } from '../domain-errors.js';
import { mayRead } from '../accounts/accounts.js';
import { tokenHash } from '../accounts/secrets.js';
import { SHARED_LINK_PREFIX } from '../accounts/shared-links.js';
import type { AccountStore, UserRecord } from '../store/accounts.js';
import type { ApiKeyRecord, EventStore, KeyScope, SiteAdmin, SiteRecord } from '../store/types.js';
import { hashKey } from './api-keys.js';
import type { SiteDirectory } from './site-directory.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** "Last used" is kept to the minute: a write per request would make every read a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** What let a request in: the admin token, a key (with its scopes), the site being public, a person's session or a shared link. */
export type Credential =
  | { kind: 'admin' }
  | { kind: 'key'; key: ApiKeyRecord }
  | { kind: 'public' }
  | { kind: 'user'; user: UserRecord }
  | { kind: 'shared' };

/** What a request brought: its bearer token, and who its session cookie is for. */
export interface Presented {
  token: string | undefined;
  user?: UserRecord;
  /** The shared link whose password this browser gave. */
  sharedLinkId?: string;
}

export interface Grant {
  site: SiteRecord;
  credential: Credential;
}

export class SiteAccess {
  private readonly adminDigest: Buffer | undefined;

  constructor(
    private readonly store: Pick<EventStore & SiteAdmin, 'findApiKey' | 'markApiKeyUsed'> & { accounts: Pick<AccountStore, 'findSharedLink'> },
    private readonly sites: SiteDirectory,
    adminToken: string | undefined,
    private readonly clock: Clock,
  ) {
    this.adminDigest = adminToken === undefined ? undefined : digest(adminToken);
  }

  /**
   * The site, once the holder of `token` (an API key or the admin token, undefined when none was
   * sent) may act on it with `scope`; throws UnknownSite, NotAuthenticated or NotPermitted otherwise.
   */
  async authorize(presented: string | undefined | Presented, domain: string, scope: KeyScope): Promise<SiteRecord> {
    return (await this.grant(presented, domain, scope)).site;
  }

  /** As authorize, also saying which credential let the request in. */
  async grant(presented: string | undefined | Presented, domain: string, scope: KeyScope): Promise<Grant> {
    const { token, user, sharedLinkId } = typeof presented === 'object' ? presented : { token: presented };
    const site = await this.sites.current(domain);
    if (site === null) throw new UnknownSite(domain);
    // Anyone may read a public site, so a key sent along is not even looked at.
    if (scope === 'stats:read' && site.public === true) return { site, credential: { kind: 'public' } };
    if (scope === 'stats:read' && token === undefined && user !== undefined && mayRead(user, site.domain)) {
      return { site, credential: { kind: 'user', user } };
    }
    if (token === undefined) throw new NotAuthenticated(`site ${domain} is not public: send Authorization: Bearer <API key>`);
    if (scope === 'stats:read' && token.startsWith(SHARED_LINK_PREFIX)) return { site, credential: await this.sharedLink(token, site, sharedLinkId) };
    if (this.adminDigest !== undefined && timingSafeEqual(digest(token), this.adminDigest)) return { site, credential: { kind: 'admin' } };
    const hash = hashKey(token);
    const key = await this.store.findApiKey(hash);
    // The look-up is by a hash of a random secret, which leaks nothing; the compare is for certainty.
    if (key === null || !timingSafeEqual(Buffer.from(key.hash, 'hex'), Buffer.from(hash, 'hex'))) {
      throw new NotAuthenticated('unknown API key');
    }
    if (key.site !== site.domain) throw new NotPermitted(`this key belongs to another site, not ${domain}`);
    if (!key.scopes.includes(scope)) throw new NotPermitted(`this key lacks the ${scope} scope`);
    await this.noteUse(key);
    return { site, credential: { kind: 'key', key } };
  }

  /** A shared link reads only its own site, and one with a password only in the browser that gave it. */
  private async sharedLink(token: string, site: SiteRecord, unlocked: string | undefined): Promise<Credential> {
    const link = await this.store.accounts.findSharedLink(tokenHash(token));
    if (link === null) throw new NotAuthenticated('this shared link has been revoked');
    if (link.site !== site.domain) throw new NotPermitted(`this shared link is for another site, not ${site.domain}`);
    if (link.passwordHash !== null && unlocked !== link.id) throw new NotAuthenticated('this shared link asks for its password');
    return { kind: 'shared' };
  }

  /** A hint for the operator: failing to write it must not refuse a request the key may make. */
  private async noteUse(key: ApiKeyRecord): Promise<void> {
    const now = this.clock.now();
    if (key.lastUsedAt !== undefined && now - key.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
    await this.store.markApiKeyUsed(key.id, now).catch(() => undefined);
  }
}
