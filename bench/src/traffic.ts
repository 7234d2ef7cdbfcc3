/**
 * What real page views look like on the wire: a spread of pages, referrers, browsers and
 * client addresses. Every User-Agent is a current browser's, so none is dropped as a bot.
 */
import { pick, skewedIndex, type Random } from './prng.js';

export const BENCH_SITE = 'bench.example';

export const BROWSER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
];

const SECTIONS = ['blog', 'docs', 'products', 'guides', 'changelog'];

export const PAGES: readonly string[] = [
  '/',
  '/pricing',
  '/about',
  '/signup',
  '/login',
  ...Array.from({ length: 295 }, (_, i) => `/${SECTIONS[i % SECTIONS.length]}/${(i * 7919).toString(36)}`),
];

export const REFERRERS: readonly string[] = [
  '',
  '',
  '',
  'https://www.google.com/',
  'https://www.google.com/',
  'https://duckduckgo.com/',
  'https://www.bing.com/',
  'https://news.ycombinator.com/',
  'https://t.co/',
  'https://www.reddit.com/r/webdev/',
  'https://github.com/',
  `https://${BENCH_SITE}/`,
];

const SCREEN_WIDTHS = [390, 412, 768, 1280, 1440, 1920];
const CAMPAIGNS = ['?utm_source=newsletter&utm_medium=email&utm_campaign=launch', '?utm_source=mastodon', ''];

export interface PageView {
  body: string;
  userAgent: string;
  clientIp: string;
}

/** A page view as the tracker beacons it: one-letter keys, sent as text/plain. */
export function pageView(random: Random): PageView {
  const page = PAGES[skewedIndex(random, PAGES.length)]!;
  const query = random() < 0.1 ? pick(random, CAMPAIGNS) : '';
  const referrer = pick(random, REFERRERS);
  const payload = {
    s: BENCH_SITE,
    n: 'pageview',
    u: `https://${BENCH_SITE}${page}${query}`,
    ...(referrer === '' ? {} : { r: referrer }),
    w: pick(random, SCREEN_WIDTHS),
  };
  return { body: JSON.stringify(payload), userAgent: pick(random, BROWSER_AGENTS), clientIp: clientIp(random) };
}

/** Addresses from a few thousand households, so visitors repeat as they do on a real site. */
function clientIp(random: Random): string {
  const n = Math.floor(random() * 5000);
  return `203.0.${(n >> 8) & 0xff}.${n & 0xff}`;
}
