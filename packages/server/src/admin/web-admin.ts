/**
 * The web admin, assembled: accounts and shared links over the store, sessions in the store or
 * (main.ts passes them) in Redis, the pages, the session reading of the stats API, and where a
 * private dashboard sends a browser that is not signed in.
 */
import type { Request, RequestHandler, Router } from 'express';
import { Accounts } from '../accounts/accounts.js';
import { LoginLimits } from '../accounts/login-limits.js';
import { StoreSessions, type SessionStore } from '../accounts/session-store.js';
import { SharedLinks } from '../accounts/shared-links.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { readSessions } from '../http/presented.js';
import { readCookie, SESSION_COOKIE } from '../http/session-cookies.js';
import type { SiteDirectory } from '../sites/site-directory.js';
import type { EventStore } from '../store/types.js';
import { DEFAULT_DASHBOARD_DIR } from '../web/dashboard-route.js';
import { adminRoutes } from './admin-routes.js';
import { FormTokens } from './csrf.js';

export interface WebAdminDeps {
  store: EventStore;
  sites: SiteDirectory;
  clock: Clock;
  config: Config;
  /** In the store by default. */
  sessions?: SessionStore | undefined;
  /** In process memory by default. */
  loginLimits?: LoginLimits | undefined;
  dashboardDir?: string | undefined;
}

export interface WebAdmin {
  accounts: Accounts;
  routes: Router;
  /** Lets the stats API read the session cookies. */
  readSessions: RequestHandler;
  /** For the dashboard page: a private site's dashboard sends a browser that may not read it to /login and back. */
  dashboardRedirect: (req: Request, site: string) => Promise<string | null>;
}

export function createWebAdmin(deps: WebAdminDeps): WebAdmin {
  const { store, sites, clock, config } = deps;
  const sessions = deps.sessions ?? new StoreSessions(store.accounts);
  const accounts = new Accounts(store.accounts, sessions, clock, config.publicUrl);
  const links = new SharedLinks(store.accounts, sessions, clock, config.publicUrl);
  const routes = adminRoutes({
    accounts,
    links,
    store,
    sites,
    clock,
    config,
    loginLimits: deps.loginLimits ?? LoginLimits.memory(),
    formTokens: new FormTokens(clock),
    dashboardDir: deps.dashboardDir ?? DEFAULT_DASHBOARD_DIR,
    https: config.publicUrl.startsWith('https:'),
  });

  async function dashboardRedirect(req: Request, domain: string): Promise<string | null> {
    // A key pasted into the page is the other way in, so the page is served when asked for it.
    if (req.query.with === 'key') return null;
    const site = await sites.get(domain);
    if (site === null || site.public === true) return null;
    // Someone signed in who may not read the site is told so by the page, as a key holder of another site is.
    const signer = await accounts.signerOf(readCookie(req, SESSION_COOKIE));
    return signer === null ? `/login?next=${encodeURIComponent(req.originalUrl)}` : null;
  }

  return { accounts, routes, readSessions: readSessions(accounts), dashboardRedirect };
}
