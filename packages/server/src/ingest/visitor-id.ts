/**
 * Visitor ids without cookies: a keyed hash of (daily salt, site, IP, User-Agent), as Plausible
 * does. The salt changes every UTC day and the old one is destroyed, so an id cannot be linked
 * to the next day's or recomputed later; the IP and User-Agent themselves are never stored.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EventStore } from '../store/types.js';
import { SESSION_TIMEOUT_MS } from './sessions.js';

/** Who sent an event, as far as a visit is concerned. */
export interface VisitorIdentity {
  id: number;
  /** The id under the previous day's salt, while a visit begun that day may still continue. */
  previousId?: number | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * 48 bits fit a JavaScript number exactly and every store's integer type; collisions stay
 * negligible (about 2 expected among 10 million visitors of one site on one day).
 */
function toId(digest: Buffer): number {
  return digest.readUIntBE(0, 6);
}

const SEPARATOR = '\u0000';

export class VisitorIds {
  private current: { day: string; salt: Promise<Buffer> } | undefined;
  /**
   * The previous day's salt, kept in this process's memory only, and only while a visit begun
   * that day can still continue (SESSION_TIMEOUT_MS into the new day); the store destroys its
   * copy as soon as the day turns.
   */
  private previous: { until: number; salt: Promise<Buffer> } | undefined;

  constructor(
    private readonly store: Pick<EventStore, 'daySalt'>,
    private readonly clock: Clock,
  ) {}

  private salt(now: number): Promise<Buffer> {
    const day = new Date(now).toISOString().slice(0, 10);
    if (this.current?.day !== day) {
      const dayStart = Date.parse(day);
      const yesterday = new Date(dayStart - DAY_MS).toISOString().slice(0, 10);
      this.previous = this.current?.day === yesterday ? { until: dayStart + SESSION_TIMEOUT_MS, salt: this.current.salt } : undefined;
      const salt = this.store.daySalt(day, randomBytes(32));
      // A failed read is retried by the next request rather than remembered.
      salt.catch(() => {
        if (this.current?.salt === salt) this.current = undefined;
      });
      this.current = { day, salt };
    }
    if (this.previous !== undefined && now >= this.previous.until) this.previous = undefined;
    return this.current.salt;
  }

  async anonymous(site: string, ip: string, userAgent: string): Promise<VisitorIdentity> {
    const now = this.clock.now();
    const salt = this.salt(now);
    const previous = this.previous?.salt.catch(() => undefined);
    const id = hashed(await salt, site, ip, userAgent);
    const previousSalt = await previous;
    return previousSalt === undefined ? { id } : { id, previousId: hashed(previousSalt, site, ip, userAgent) };
  }

  /** A caller-supplied user id is already stable across days; hashing keeps it out of the store. */
  identified(site: string, userId: string): VisitorIdentity {
    return { id: toId(createHash('sha256').update(site + SEPARATOR + userId).digest()) };
  }
}

const hashed = (salt: Buffer, site: string, ip: string, userAgent: string) =>
  toId(createHmac('sha256', salt).update(site + SEPARATOR + ip + SEPARATOR + userAgent).digest());
