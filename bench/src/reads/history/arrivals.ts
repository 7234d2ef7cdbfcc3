/**
 * Where visits come from, stored as the server stores them: the referrer as host and path, the
 * source named after the referrer's host, and utm_source winning over the referrer.
 */
import { weighted, type Weighted } from '../../prng.js';

export interface Arrival {
  referrer: string | null;
  referrerSource: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

const referred = (referrer: string, referrerSource: string): Arrival => ({ referrer, referrerSource, utmSource: null, utmMedium: null, utmCampaign: null });

const DIRECT: Arrival = { referrer: null, referrerSource: null, utmSource: null, utmMedium: null, utmCampaign: null };

/** The newsletter goes out weekly; each issue is its own campaign. */
const newsletter = (day: number): Arrival => ({
  referrer: null,
  referrerSource: 'newsletter',
  utmSource: 'newsletter',
  utmMedium: 'email',
  utmCampaign: `weekly-${1 + Math.floor(day / 7)}`,
});

const ARRIVALS: Weighted<(day: number) => Arrival> = [
  [() => DIRECT, 38],
  [() => referred('google.com', 'Google'), 30],
  [() => referred('t.co', 'Twitter'), 7],
  [newsletter, 10],
  [() => referred('duckduckgo.com', 'DuckDuckGo'), 4],
  [() => referred('bing.com', 'Bing'), 3],
  [() => referred('news.ycombinator.com', 'Hacker News'), 3],
  [() => referred('reddit.com/r/webdev', 'Reddit'), 2],
  [() => referred('github.com/sightline/sightline', 'GitHub'), 2],
  [() => referred('linkedin.com', 'LinkedIn'), 1],
];

export function arrivalOn(day: number, u: number): Arrival {
  return weighted(ARRIVALS, u)(day);
}
