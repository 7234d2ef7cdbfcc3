/** Admin actions require `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** Comparing digests keeps the comparison constant-time even when the lengths differ. */
const digest = (value: string) => createHash('sha256').update(value).digest();

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The request's bearer token, if it sent one: what SiteAccess checks. */
export const bearerOf = (req: Request): string | undefined => bearerToken(req.get('authorization'));

export function requireAdmin(adminToken: string | undefined): RequestHandler {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return (req, _res, next) => {
    if (expected === undefined) {
      next(new HttpError(403, 'the admin API is disabled: start the server with ADMIN_TOKEN set'));
      return;
    }
    const token = bearerOf(req);
    if (token === undefined || !timingSafeEqual(digest(token), expected)) {
      next(new HttpError(401, 'send Authorization: Bearer <ADMIN_TOKEN>', undefined, { 'WWW-Authenticate': 'Bearer' }));
      return;
    }
    next();
  };
}
