/**
 * An event counts for a site only when its page is on that site, as Plausible does: someone who
 * copies a snippet onto another domain, or forges beacons, cannot pour traffic into the stats.
 * Mismatches are answered 202 like everything else (the sender learns nothing) and dropped,
 * with `X-Sightline-Dropped: hostname` saying why.
 */

/** The demo site is browsed from this machine under whichever loopback name the browser used. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function pageBelongsToSite(pageHost: string, siteDomain: string, allowSubdomains: boolean): boolean {
  const host = pageHost.toLowerCase().replace(/\.$/, '');
  if (host === siteDomain || host === `www.${siteDomain}`) return true;
  if (siteDomain === 'localhost' && LOOPBACK_NAMES.has(host)) return true;
  return allowSubdomains && host.endsWith(`.${siteDomain}`);
}
