/**
 * Site look-ups on the ingest path, remembered briefly: every event needs its site, and sites
 * change rarely. An unknown domain is remembered for a shorter time so a newly added site
 * starts counting within seconds on every instance.
 */
import type { Clock } from '../clock.js';
import type { EventStore, SiteRecord } from '../store/types.js';

const KNOWN_TTL_MS = 60_000;
const UNKNOWN_TTL_MS = 2_000;
/** Bounds the memory an attacker can fill by sending events for random domains. */
const MAX_ENTRIES = 10_000;

export class SiteDirectory {
  private readonly memo = new Map<string, { site: SiteRecord | null; expiresAt: number }>();

  constructor(
    private readonly store: Pick<EventStore, 'getSite'>,
    private readonly clock: Clock,
  ) {}

  async get(domain: string): Promise<SiteRecord | null> {
    const now = this.clock.now();
    const entry = this.memo.get(domain);
    if (entry !== undefined && entry.expiresAt > now) return entry.site;
    const site = await this.store.getSite(domain);
    if (this.memo.size >= MAX_ENTRIES) this.memo.clear();
    this.memo.set(domain, { site, expiresAt: now + (site ? KNOWN_TTL_MS : UNKNOWN_TTL_MS) });
    return site;
  }

  forget(domain: string): void {
    this.memo.delete(domain);
  }
}
