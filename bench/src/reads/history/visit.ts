/**
 * One visit as the tracker reports it and the server stores it: pageviews a few minutes apart,
 * an engagement event when the visitor leaves most pages, now and then a custom event with
 * props. The events of the landing page carry the visit's referrer and campaign (the page's
 * document.referrer and URL); later pages were reached from the site itself, which the server
 * does not count as a referrer.
 */
import type { StoredEvent } from '@sightline/server/dist/store/types.js';
import { pick, skewedIndex, weighted, type Random, type Weighted } from '../../prng.js';
import { PAGES } from '../../traffic.js';
import { arrivalOn, type Arrival } from './arrivals.js';
import { visitorIdOn, type Visitor } from './population.js';

const MAX_PAGES = 8;
const ENGAGEMENT_SHARE = 0.6;
/** With about 1.6 pageview and engagement events per page, this makes about one event in ten a custom one. */
const CUSTOM_EVENT_SHARE = 0.18;

type CustomEvent = (random: Random) => { name: string; props: Record<string, string> };

const CUSTOM_EVENTS: Weighted<CustomEvent> = [
  [(random) => ({ name: 'Signup', props: { plan: weighted([['free', 6], ['pro', 3], ['team', 1]] as const, random()) } }), 45],
  [(random) => ({ name: 'Download', props: { file: pick(random, ['sightline-linux.tar.gz', 'sightline-macos.dmg', 'whitepaper.pdf']) } }), 30],
  [(random) => ({ name: 'Outbound Link: Click', props: { url: pick(random, ['https://github.com/sightline/sightline', 'https://docs.example.org/']) } }), 25],
];

export interface VisitStart {
  site: string;
  visitor: Visitor;
  /** Days since the first day of the history. */
  day: number;
  ts: number;
}

/** Mostly a few seconds to a minute on a page, sometimes several minutes. */
const dwellMs = (random: Random) => 3_000 + Math.floor(random() ** 2 * 240_000);

export function visitEvents(random: Random, start: VisitStart): StoredEvent[] {
  const { site, visitor, day } = start;
  const arrival = arrivalOn(day, random());
  const pages = 1 + Math.floor(random() ** 2 * MAX_PAGES);
  const sessionId = Math.floor(random() * 2 ** 48);
  const visitorId = visitorIdOn(visitor, day);
  const events: StoredEvent[] = [];
  let ts = start.ts;
  for (let i = 0; i < pages; i++) {
    const path = PAGES[skewedIndex(random, PAGES.length)]!;
    const referral = i === 0 ? arrival : null;
    const event = (at: number, name: string, engagementMs: number | null, props: Record<string, string>): StoredEvent => ({
      site,
      ts: at,
      name,
      path,
      hostname: site,
      ...referralFields(referral),
      utmTerm: null,
      utmContent: null,
      browser: visitor.client.browser,
      os: visitor.client.os,
      device: visitor.client.device,
      country: visitor.country,
      screenWidth: visitor.client.screenWidth,
      visitorId,
      sessionId,
      engagementMs,
      props,
    });
    const dwell = dwellMs(random);
    events.push(event(ts, 'pageview', null, {}));
    if (random() < CUSTOM_EVENT_SHARE) {
      const custom = weighted(CUSTOM_EVENTS, random())(random);
      events.push(event(ts + 1 + Math.floor(random() * (dwell - 2)), custom.name, null, custom.props));
    }
    // Visible time is at most the time on the page: a tab in the background does not count.
    if (random() < ENGAGEMENT_SHARE) events.push(event(ts + dwell, 'engagement', Math.floor(dwell * (0.4 + 0.6 * random())), {}));
    ts += dwell + 500 + Math.floor(random() * 2_500);
  }
  return events;
}

function referralFields(arrival: Arrival | null): Pick<StoredEvent, 'referrer' | 'referrerSource' | 'utmSource' | 'utmMedium' | 'utmCampaign'> {
  return arrival ?? { referrer: null, referrerSource: null, utmSource: null, utmMedium: null, utmCampaign: null };
}
