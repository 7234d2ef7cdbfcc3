/**
 * Where a visit came from. The stored referrer is host and path only: query strings of
 * referring pages often carry search terms or tokens that are none of our business.
 */

/** Hosts whose traffic site owners expect to see under one familiar name. */
const SOURCE_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/(^|\.)google\.[a-z.]+$/, 'Google'],
  [/(^|\.)bing\.com$/, 'Bing'],
  [/(^|\.)duckduckgo\.com$/, 'DuckDuckGo'],
  [/(^|\.)yahoo\.[a-z.]+$/, 'Yahoo!'],
  [/(^|\.)yandex\.[a-z.]+$/, 'Yandex'],
  [/(^|\.)baidu\.com$/, 'Baidu'],
  [/(^|\.)ecosia\.org$/, 'Ecosia'],
  [/(^|\.)search\.brave\.com$/, 'Brave'],
  [/(^|\.)(facebook\.com|fb\.me|l\.facebook\.com)$/, 'Facebook'],
  [/(^|\.)instagram\.com$/, 'Instagram'],
  [/(^|\.)(twitter\.com|t\.co|x\.com)$/, 'Twitter'],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'LinkedIn'],
  [/(^|\.)reddit\.com$/, 'Reddit'],
  [/(^|\.)news\.ycombinator\.com$/, 'Hacker News'],
  [/(^|\.)github\.com$/, 'GitHub'],
  [/(^|\.)(youtube\.com|youtu\.be)$/, 'YouTube'],
  [/(^|\.)pinterest\.[a-z.]+$/, 'Pinterest'],
  [/(^|\.)bsky\.app$/, 'Bluesky'],
  [/(^|\.)mastodon\.social$/, 'Mastodon'],
  [/(^|\.)chatgpt\.com$/, 'ChatGPT'],
  [/(^|\.)perplexity\.ai$/, 'Perplexity'],
];

export interface Referral {
  referrer: string | null;
  source: string | null;
}

const stripWww = (host: string) => host.replace(/^www\./, '');

export function sourceName(host: string): string {
  const bare = stripWww(host.toLowerCase());
  for (const [pattern, name] of SOURCE_NAMES) if (pattern.test(bare)) return name;
  return bare;
}

/**
 * A referrer on the page's own host is navigation within the site, not a source.
 * `utm_source` wins over the referrer, as every analytics tool does.
 */
export function referral(rawReferrer: string | null | undefined, pageHost: string, utmSource: string | null): Referral {
  let referrer: string | null = null;
  let source: string | null = null;
  if (rawReferrer) {
    try {
      const url = new URL(rawReferrer);
      const host = url.hostname.toLowerCase();
      if ((url.protocol === 'http:' || url.protocol === 'https:') && stripWww(host) !== stripWww(pageHost)) {
        referrer = stripWww(host) + (url.pathname === '/' ? '' : url.pathname);
        source = sourceName(host);
      }
    } catch {
      // An unparseable referrer (some apps send bare names) is not worth rejecting the event for.
    }
  }
  return { referrer, source: utmSource ?? source };
}
