/** Ignore rules and payload building: everything between "an event happened" and send(). */
import type { Settings } from './config.js';
import { send } from './send.js';

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

export function createTrack(settings: Settings, endpoint: string): Track {
  return (name, options = {}) => {
    try {
      const url = new URL(options.url || location.href);
      if (settings.hash == null) url.hash = '';
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
            url.pathname + url.hash,
          ))
      ) {
        return;
      }
      send(endpoint, {
        s: settings.site,
        n: name,
        u: url.href,
        r: document.referrer,
        w: innerWidth,
        p: options.props,
        e: options.engagementMs,
      });
      return url.href;
    } catch {
      // a malformed url option, blocked storage, or a browser missing an API: never break the page
    }
  };
}

