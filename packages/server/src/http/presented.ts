/**
 * The stats API reads the same cookies the admin pages set, so a signed-in person's dashboards
 * (and a shared link opened with its password) need no key. It only reads them: no stats
 * answer ever sets a cookie.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Accounts } from '../accounts/accounts.js';
import { bearerOf } from './admin-auth.js';
import type { Presented } from '../sites/site-access.js';
import { readCookie, SESSION_COOKIE, SHARE_COOKIE } from './session-cookies.js';

export function readSessions(accounts: Accounts): RequestHandler {
  return (req, res, next) => {
    const signerCookie = readCookie(req, SESSION_COOKIE);
    const shareCookie = readCookie(req, SHARE_COOKIE);
    if (signerCookie === '' && shareCookie === '') return next();
    Promise.all([accounts.signerOf(signerCookie), accounts.findSession(shareCookie)])
      .then(([signer, share]) => {
        const presented: Presented = {
          token: bearerOf(req),
          ...(signer === null ? {} : { user: signer.user }),
          ...(share?.sharedLinkId ? { sharedLinkId: share.sharedLinkId } : {}),
        };
        res.locals.presented = presented;
        next();
      })
      .catch(next);
  };
}

/** What the request brought to a stats route: its bearer token and, through readSessions, its sessions. */
export const presentedBy = (req: Request, res: Response): Presented => (res.locals.presented as Presented | undefined) ?? { token: bearerOf(req) };
