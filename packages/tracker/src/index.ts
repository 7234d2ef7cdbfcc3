/**
 * npm entry. Importing it has no effect, so it is safe during server-side rendering; call init()
 * once in the browser, then the rest. Calls made before init() wait for it, because a child
 * component's effect can run before the app root's.
 */
import type { PAGEVIEW } from '@sightline/shared';
import { autoPageviews } from './autocapture.js';
import { trackLinkClicks } from './clicks.js';
import { settingsFromOptions, type InitOptions, type Settings } from './config.js';
import { trackEngagement } from './engagement.js';
import { createTrack, type EventOptions, type Pageview, type Track } from './track.js';

export type { InitOptions } from './config.js';
export type { EventOptions, Props } from './track.js';

interface Tracker {
  settings: Settings;
  track: Track;
  /** Measures the time on each page too, unless engagement is off. */
  pageview: Pageview;
}

let tracker: Tracker | undefined;
const pending: ((tracker: Tracker) => void)[] = [];

/**
 * Configures the tracker. Throws on a missing site or endpoint, or when called twice in the
 * browser. During server-side rendering it only validates the options.
 */
export function init(options: InitOptions): void {
  const settings = settingsFromOptions(options);
  if (typeof document == 'undefined') return;
  if (tracker) throw new Error('Sightline init() was called twice; call it once, when the app starts');
  const track = createTrack(settings, options.endpoint);
  const pageview: Pageview =
    options.engagement === false ? (pageOptions) => track('pageview' satisfies typeof PAGEVIEW, pageOptions) : trackEngagement(track);
  tracker = { settings, track, pageview };
  for (const run of pending.splice(0)) run(tracker);
}

/** Sends a pageview now: for routers enableAutoPageviews() cannot see, or with a virtual url (relative is fine). */
export function trackPageview(options: EventOptions = {}): void {
  whenReady((ready) => ready.pageview(resolveUrl(options)));
}

/** Sends a custom event, e.g. trackEvent('Signup', { props: { plan: 'pro' } }). */
export function trackEvent(name: string, options: EventOptions = {}): void {
  whenReady((ready) => ready.track(name, resolveUrl(options)));
}

/** Sends a pageview now and on every History API or back/forward route change. Returns a stop function. */
export function enableAutoPageviews(): () => void {
  return feature((ready, active) => autoPageviews(ready.settings.hash != null, () => (active() ? ready.pageview() : undefined)));
}

/** Counts clicks on links to other hosts as `Outbound Link: Click` with prop url. Returns a stop function. */
export function enableOutboundLinks(): () => void {
  return feature((ready, active) => trackLinkClicks(whileActive(ready.track, active), { outbound: '' }));
}

/**
 * Counts clicks on links to files as `File Download` with prop url. `extensions` are lower-case,
 * without the dot; the default is pdf, zip, csv, xlsx, docx. Returns a stop function.
 */
export function enableFileDownloads(extensions: string[] = []): () => void {
  return feature((ready, active) => trackLinkClicks(whileActive(ready.track, active), { downloads: extensions.join() }));
}

/** The shared track() takes absolute URLs only, which keeps the script tag a few bytes smaller. */
function resolveUrl(options: EventOptions): EventOptions {
  try {
    return options.url ? { ...options, url: new URL(options.url, location.href).href } : options;
  } catch {
    return options; // not a URL: track() drops the event quietly
  }
}

function whenReady(run: (tracker: Tracker) => void): void {
  if (typeof document == 'undefined') return;
  if (tracker) run(tracker);
  else pending.push(run);
}

/**
 * Starts a feature now or at init(), and returns its stop function. Stopping leaves the feature's
 * listeners and History API wrapper in place but inert: unwrapping history could drop a wrapper
 * another script added on top of ours, and this keeps the shared modules free of stop code.
 */
function feature(start: (tracker: Tracker, active: () => boolean) => void): () => void {
  let stopped = false;
  const active = () => !stopped;
  whenReady((ready) => active() && start(ready, active));
  return () => {
    stopped = true;
  };
}

function whileActive(track: Track, active: () => boolean): Track {
  return (name, options) => (active() ? track(name, options) : undefined);
}
