/**
 * Everything between "an event happened" and the network: ignore rules, the payload, and its
 * delivery. One module, not two: the call between them cost the script tag 14 bytes gzipped.
 */
import type { WirePayload } from '@sightline/shared';
import type { Settings } from './config.js';

/** Flat custom properties: string, number or boolean values. */
export type Props = Record<string, string | number | boolean>;

export interface EventOptions {
  props?: Props;
  /** The page the event belongs to, as an absolute URL; defaults to the current location. */
  url?: string;
}

/** What a Track function takes internally: engagement time is measured, never passed by callers. */
export interface TrackOptions extends EventOptions {
  engagementMs?: number;
}

/** Sends one event; returns the URL reported, or undefined when an ignore rule applied. Never throws. */
export type Track = (name: string, options?: TrackOptions) => string | undefined;

/** Sends a pageview; returns the URL reported, or undefined when an ignore rule applied. */
export type Pageview = (options?: EventOptions) => string | undefined;

export const createTrack =
  (settings: Settings, endpoint: string | URL): Track =>
  (name, options = {}) => {
    try {
      // A Location converts to its href, as a URL does.
      const url = new URL(options.url || (location as never));
      // A hash route's own query string is where single-page apps carry tokens: of it only the UTM
      // tags leave the browser, so `#/landing?utm_source=news&token=…` goes as
      // `#/landing?utm_source=news`. With no query, "&undefined" is dropped as any other parameter.
      const [route, query] = settings.hash != null ? url.hash.split('?') : [''];
      url.hash = route + ('&' + query).replace(/&(?!utm_)[^&]*/g, '').replace('&', '?');
      // The ignore rules, listed in the README. Checked per event: the opt-out flag and the path
      // can change during a visit. Where storage is blocked, reading the flag throws and nothing
      // is sent, since the visitor's choice cannot be known.
      if (
        // localhost, 127.*, and the empty host name of a file: page
        (settings.allowLocalhost == null && /^(localhost$|127\.|$)/.test(location.hostname)) ||
        (settings.allowAutomation == null && navigator.webdriver) ||
        document.prerendering ||
        localStorage.sightline_ignore == 'true' ||
        (settings.respectDnt != null && (navigator.doNotTrack == '1' || navigator.globalPrivacyControl)) ||
        // the hash is already gone unless it names the page
        (settings.exclude &&
          // One RegExp for the comma-separated globs ("/admin/*, /preview/*"): `*` matches any run of
          // characters, `/` included. Nothing else is escaped, to save 16 bytes: `.` matches any
          // character, and the README asks for no ( ) [ ] + ? $ in patterns.
          RegExp('^(' + settings.exclude.replace(/\*/g, '.*').replace(/\s*,\s*/g, '|') + ')$').test(
            url.pathname + route,
          ))
      ) {
        return;
      }
      const body = JSON.stringify({
        s: settings.site,
        n: name,
        u: url.href,
        r: document.referrer,
        w: innerWidth,
        p: options.props,
        e: options.engagementMs,
        // The server counts an event sent again with the same id once: unique enough per site
        // over the two days it remembers ids.
        x: Math.random() + '',
      } satisfies WirePayload);
      // A send that failed (a 503 while the server restarts, a connection cut off) gets one more
      // try when the page is next hidden or shown: as a beacon, which the browser delivers even
      // after the page is gone.
      const retry = () => addEventListener('visibilitychange', () => navigator.sendBeacon(endpoint, body), { once: true });
      // fetch with keepalive outlives the page as a beacon does, and says whether the server took
      // the event. A string body goes out as text/plain, which needs no CORS preflight.
      fetch(endpoint, { method: 'POST', body, keepalive: true }).then((response) => response.ok || retry(), retry);
      return url.href;
    } catch {
      // a malformed url option, blocked storage, or a browser missing an API: never break the page
    }
  };
