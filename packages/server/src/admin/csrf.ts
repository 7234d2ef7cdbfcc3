/**
 * Cross-site request forgery: every state-changing form must come from a page of this server.
 * Two checks, both required: the browser's Origin (or, without one, Referer) must be this
 * server's, and the form must carry a token another site cannot read. Signed-in forms carry
 * their session's token; the sign-in and shared-link password forms, which come before any
 * session, carry a token signed by this process and valid for a few hours.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { HttpError } from '../http/errors.js';

const FORM_TOKEN_TTL_MS = 6 * 3_600_000;

const forbidden = (why: string) => new HttpError(403, `${why}: reload the page and send the form again`);

function originOf(value: string | undefined): string | null {
  if (value === undefined || value === '' || value === 'null') return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/** Refuses a POST whose Origin (or Referer) is neither PUBLIC_URL's nor the address it was sent to. */
export function sameOrigin(publicUrl: string): RequestHandler {
  const expected = new URL(publicUrl).origin;
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const origin = originOf(req.get('origin')) ?? originOf(req.get('referer'));
    const own = `${req.protocol}://${req.get('host') ?? ''}`;
    if (origin === null) return next(forbidden('this form came without an Origin header'));
    if (origin !== expected && origin !== own) return next(forbidden(`this form was sent from ${origin}, not from this server`));
    next();
  };
}

export function equalTokens(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Throws the 403 unless the form carries the session's token. */
export function checkSessionToken(req: Request, csrf: string): void {
  if (!equalTokens((req.body as Record<string, unknown> | undefined)?.csrf, csrf)) throw forbidden('this form is out of date');
}

/** Tokens for forms shown before there is a session: `issued.signature`, bound to the form's purpose. */
export class FormTokens {
  private readonly secret = randomBytes(32);

  constructor(private readonly clock: Clock) {}

  private sign(purpose: string, issued: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\u0000${issued}`).digest('base64url');
  }

  issue(purpose: string): string {
    const issued = this.clock.now().toString(36);
    return `${issued}.${this.sign(purpose, issued)}`;
  }

  /** Throws the 403 unless the form carries a fresh token for `purpose`. */
  check(req: Request, purpose: string): void {
    const given = (req.body as Record<string, unknown> | undefined)?.csrf;
    const [issued = '', signature] = typeof given === 'string' ? given.split('.') : [];
    const age = this.clock.now() - parseInt(issued, 36);
    if (!(age >= 0 && age < FORM_TOKEN_TTL_MS) || !equalTokens(signature, this.sign(purpose, issued))) throw forbidden('this form is out of date');
  }
}
