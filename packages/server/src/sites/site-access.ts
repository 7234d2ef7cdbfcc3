/**
 * Who may do what with a site: public sites' stats are readable by anyone, key or no key; otherwise a
 * `Authorization: Bearer` key of that site with the scope, or the operator's ADMIN_TOKEN.
 * Unknown site 404, no or wrong key 401, a key of another site or without the scope 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { bearerToken } from '../http/admin-auth.js';
import { HttpError } from '../http/errors.js';
import type { EventStore, KeyScope, SiteAdmin, SiteRecord } from '../store/types.js';
import { hashKey } from './api-keys.js';
import type { SiteDirectory } from './site-directory.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

const unauthorized = (message: string) => new HttpError(401, message, undefined, { 'WWW-Authenticate': 'Bearer' });

export class SiteAccess {
  private readonly adminDigest: Buffer | undefined;

  constructor(
    private readonly store: Pick<EventStore & SiteAdmin, 'findApiKey'>,
    private readonly sites: SiteDirectory,
    adminToken: string | undefined,
  ) {
    this.adminDigest = adminToken === undefined ? undefined : digest(adminToken);
  }

  /** The site, once the request may act on it with `scope`; throws the HTTP error otherwise. */
  async authorize(req: Request, domain: string, scope: KeyScope): Promise<SiteRecord> {
    const site = await this.sites.get(domain);
    if (site === null) throw new HttpError(404, `unknown site ${domain}`);
    // Anyone may read a public site, so a key sent along is not even looked at.
    if (scope === 'stats:read' && site.public === true) return site;
    const token = bearerToken(req.get('authorization'));
    if (token === undefined) throw unauthorized(`site ${domain} is not public: send Authorization: Bearer <API key>`);
    if (this.adminDigest !== undefined && timingSafeEqual(digest(token), this.adminDigest)) return site;
    const hash = hashKey(token);
    const key = await this.store.findApiKey(hash);
    // The look-up is by a hash of a random secret, which leaks nothing; the compare is for certainty.
    if (key === null || !timingSafeEqual(Buffer.from(key.hash, 'hex'), Buffer.from(hash, 'hex'))) {
      throw unauthorized('unknown API key');
    }
    if (key.site !== site.domain) throw new HttpError(403, `this key belongs to another site, not ${domain}`);
    if (!key.scopes.includes(scope)) throw new HttpError(403, `this key lacks the ${scope} scope`);
    return site;
  }
}
