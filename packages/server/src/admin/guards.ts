/**
 * Who may open an admin page: a signed-in person (else to /login and back), with the role the
 * page needs (else 403). A signed-in form must also carry its session's CSRF token.
 */
import type { Request, RequestHandler, Response } from 'express';
import { mayAdminister, mayManagePeople, type Accounts, type Signer } from '../accounts/accounts.js';
import type { UserRecord } from '../store/accounts.js';
import { HttpError } from '../http/errors.js';
import { readCookie, SESSION_COOKIE } from '../http/session-cookies.js';
import { checkSessionToken } from './csrf.js';

export const signerOf = (res: Response): Signer => res.locals.signer as Signer;

export const loginPath = (req: Request) => `/login?next=${encodeURIComponent(req.originalUrl)}`;

export function signedIn(accounts: Accounts): RequestHandler {
  return (req, res, next) => {
    accounts
      .signerOf(readCookie(req, SESSION_COOKIE))
      .then((signer) => {
        if (signer === null) {
          res.redirect(303, req.method === 'GET' ? loginPath(req) : '/login');
          return;
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') checkSessionToken(req, signer.session.csrf);
        res.locals.signer = signer;
        next();
      })
      .catch(next);
  };
}

function requireRole(allowed: (user: UserRecord) => boolean, what: string): RequestHandler {
  return (_req, res, next) => {
    next(allowed(signerOf(res).user) ? undefined : new HttpError(403, `only ${what} may do this`));
  };
}

export const adminsOnly: RequestHandler = requireRole(mayAdminister, 'owners and admins');
export const ownersOnly: RequestHandler = requireRole(mayManagePeople, 'owners');
