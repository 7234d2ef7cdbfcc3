/**
 * Site look-ups on the ingest path, remembered briefly: every event needs its site, and sites
 * change rarely. An unknown domain is remembered for a shorter time so a newly added site
 * starts counting within seconds on every instance. Who may read a site's stats is decided on
 * the store's answer of the moment (current).
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
    const entry = this.memo.get(domain);
    if (entry !== undefined && entry.expiresAt > this.clock.now()) return entry.site;
    return this.current(domain);
  }

  /**
   * The site as the store has it now, for decisions that must not lag a change made elsewhere
   * (a site made private with the CLI or on another instance must stop being readable at once).
   */
  async current(domain: string): Promise<SiteRecord | null> {
    const site = await this.store.getSite(domain);
    if (this.memo.size >= MAX_ENTRIES) this.memo.clear();
    this.memo.set(domain, { site, expiresAt: this.clock.now() + (site ? KNOWN_TTL_MS : UNKNOWN_TTL_MS) });
    return site;
  }

  forget(domain: string): void {
    this.memo.delete(domain);
  }
}
