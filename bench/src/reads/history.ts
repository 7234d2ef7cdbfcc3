/**
 * A reproducible history of page views, written through the store's own batch insert (the
 * path group commit uses), so the reads are measured over data shaped like real traffic:
 * visits of a few pages, popular and rare pages, repeat visitors, a daily rhythm.
 */
import type { StoredEvent } from '@sightline/server/dist/store/types.js';
import { pick, seeded, skewedIndex, type Random } from '../prng.js';
import { PAGES, REFERRERS } from '../traffic.js';

export const HISTORY_DAYS = 30;
/** A fixed, closed window, so every run with the same seed writes the same rows. */
export const HISTORY_START = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;
const BATCH = 5_000;

const BROWSERS = [
  ['Chrome', 'Windows', 'Desktop'],
  ['Safari', 'Mac OS', 'Laptop'],
  ['Mobile Safari', 'iOS', 'Mobile'],
  ['Chrome', 'Android', 'Mobile'],
  ['Firefox', 'Linux', 'Desktop'],
  ['Edge', 'Windows', 'Laptop'],
] as const;

export interface HistoryStore {
  insertEvents(events: readonly StoredEvent[]): Promise<void>;
}

function sourceOf(referrer: string): string | null {
  if (referrer === '') return null;
  const host = new URL(referrer).hostname.replace(/^www\./, '');
  return host.split('.')[0] ?? null;
}

/** One visit: a visitor landing from a referrer and reading a few pages minutes apart. */
function visit(random: Random, site: string, day: number, visitors: number): StoredEvent[] {
  const visitorId = 1 + skewedIndex(random, visitors);
  const sessionId = Math.floor(random() * 2 ** 48);
  const [browser, os, device] = BROWSERS[visitorId % BROWSERS.length]!;
  const referrer = pick(random, REFERRERS);
  // Daytime is busier than night: hour of day peaks in the afternoon.
  let ts = HISTORY_START + day * DAY_MS + Math.floor(DAY_MS * (0.25 + 0.7 * (random() + random()) / 2));
  const pages = 1 + Math.floor(random() ** 2 * 6);
  const events: StoredEvent[] = [];
  for (let i = 0; i < pages; i++) {
    events.push({
      site,
      ts,
      name: 'pageview',
      path: PAGES[skewedIndex(random, PAGES.length)]!,
      hostname: site,
      referrer: i === 0 && referrer !== '' ? referrer : null,
      referrerSource: i === 0 ? sourceOf(referrer) : null,
      utmSource: null,
      utmMedium: null,
      utmCampaign: null,
      utmTerm: null,
      utmContent: null,
      browser,
      os,
      device,
      country: null,
      screenWidth: null,
      visitorId,
      sessionId,
      engagementMs: Math.floor(random() * 120_000),
      props: {},
    });
    ts += 10_000 + Math.floor(random() * 290_000);
  }
  return events;
}

/** Writes exactly `total` events spread over the window, in time order as live ingest would. */
export async function writeHistory(store: HistoryStore, site: string, total: number, seed: number): Promise<void> {
  const random = seeded(seed);
  const visitors = Math.max(1, Math.floor(total / 6));
  let written = 0;
  for (let day = 0; day < HISTORY_DAYS; day++) {
    const target = Math.floor((total * (day + 1)) / HISTORY_DAYS);
    const events: StoredEvent[] = [];
    while (written + events.length < target) events.push(...visit(random, site, day, visitors));
    events.length = target - written;
    events.sort((a, b) => a.ts - b.ts);
    for (let i = 0; i < events.length; i += BATCH) await store.insertEvents(events.slice(i, i + BATCH));
    written = target;
  }
}
