/**
 * Referrer spam: fake visits whose only purpose is to put a domain into site owners' referrer
 * lists. No list is maintained on npm, so this is a short one, taken from the most reported
 * entries of Matomo's public-domain list (https://github.com/matomo-org/referrer-spam-list).
 * A domain here matches itself and every subdomain.
 */
const SPAM_DOMAINS: ReadonlySet<string> = new Set([
  '4webmasters.org',
  'best-seo-offer.com',
  'best-seo-solution.com',
  'buttons-for-website.com',
  'buttons-for-your-website.com',
  'darodar.com',
  'econom.co',
  'free-share-buttons.com',
  'free-social-buttons.com',
  'get-free-traffic-now.com',
  'hulfingtonpost.com',
  'ilovevitaly.com',
  'ilovevitaly.ru',
  'o-o-6-o-o.com',
  'o-o-8-o-o.com',
  'priceg.com',
  'rank-checker.online',
  'semalt.com',
  'simple-share-buttons.com',
  'success-seo.com',
  'traffic2money.com',
  'trafficmonetize.org',
  'webmonetizer.net',
  'website-analyzer.info',
]);

/** True when the referrer's host (or any parent domain of it) is a known spam domain. */
export function isReferrerSpam(rawReferrer: string | null | undefined): boolean {
  if (!rawReferrer) return false;
  let host: string;
  try {
    host = new URL(rawReferrer).hostname.toLowerCase();
  } catch {
    return false;
  }
  for (let dot = -1; ; dot = host.indexOf('.', dot + 1)) {
    if (SPAM_DOMAINS.has(host.slice(dot + 1))) return true;
    if (host.indexOf('.', dot + 1) === -1) return false;
  }
}
