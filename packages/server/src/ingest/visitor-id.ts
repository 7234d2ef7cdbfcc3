/**
 * Visitor ids without cookies: a keyed hash of (daily salt, site, IP, User-Agent), as Plausible
 * does. The salt changes every UTC day and the old one is destroyed, so an id cannot be linked
 * to the next day's or recomputed later; the IP and User-Agent themselves are never stored.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EventStore } from '../store/types.js';
import { DaySalt } from './day-salt.js';
import { SESSION_TIMEOUT_MS } from './sessions.js';

/** Who sent an event, as far as a visit is concerned. */
export interface VisitorIdentity {
  id: number;
  /** The id under the previous day's salt, while a visit begun that day may still continue. */
  previousId?: number | undefined;
}

/**
 * 48 bits fit a JavaScript number exactly and every store's integer type; collisions stay
 * negligible (about 2 expected among 10 million visitors of one site on one day).
 */
function toId(digest: Buffer): number {
  return digest.readUIntBE(0, 6);
}

const SEPARATOR = '\u0000';

export class VisitorIds {
  /**
   * Keeps the previous day's salt while a visit begun that day can still continue
   * (SESSION_TIMEOUT_MS into the new day), in memory only.
   */
  private readonly salts: DaySalt;

  constructor(store: Pick<EventStore, 'daySalt'>, clock: Clock) {
    this.salts = new DaySalt(store, clock, SESSION_TIMEOUT_MS);
  }

  async anonymous(site: string, ip: string, userAgent: string): Promise<VisitorIdentity> {
    const salt = this.salts.get();
    const previous = this.salts.heldPrevious();
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
