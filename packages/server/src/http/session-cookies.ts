/**
 * The session cookie: set only by the sign-in and shared-link pages, HttpOnly (no script reads
 * it), SameSite=Lax (not sent with another site's form posts) and Secure whenever PUBLIC_URL is
 * https. Nothing else in Sightline sets a cookie.
 */
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'sightline_session';
/** A shared link's password opens a session of its own, next to a signed-in person's. */
export const SHARE_COOKIE = 'sightline_share';

export function readCookie(req: Request, name: string): string {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return '';
}

export function setCookie(res: Response, name: string, token: string, maxAgeMs: number, secure: boolean): void {
  res.cookie(name, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeMs });
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
