/** Reading posted form fields: strings only, of bounded length; anything else reads as empty. */
import type { Request } from 'express';

export function field(req: Request, name: string, maxLength = 1024): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, maxLength) : '';
}

/** Every value of a repeated field (checkboxes). */
export function fields(req: Request, name: string, maxLength = 253): string[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string').map((item) => item.slice(0, maxLength));
}

export const checked = (req: Request, name: string) => field(req, name) === 'on';

/** A path on this server to return to after signing in; anything else (another origin, //host) goes to /sites. */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || !/^\/(?![/\\])[\x21-\x7e]*$/.test(raw) || raw.length > 512) return '/sites';
  return raw;
}
