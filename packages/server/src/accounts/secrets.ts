/** The random tokens of sessions and links: 256 bits, and the SHA-256 under which the store keeps them. */
import { createHash, randomBytes } from 'node:crypto';

export const newToken = () => randomBytes(32).toString('base64url');

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A public id: enough to name a record, useless to anyone who sees it. */
export const newId = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;
