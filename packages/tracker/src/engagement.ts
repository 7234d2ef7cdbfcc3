/**
 * Engagement: how long each page was actually visible, sent as an `engagement` event when the page
 * is hidden (tab switched or closed, navigation away) or replaced by an SPA route. Each event
 * carries the visible time since the previous one for the same page, so the server sums them.
 */
import type { ENGAGEMENT, PAGEVIEW } from '@sightline/shared';
import { MAX_ENGAGEMENT_MS } from './limits.js';
import type { Pageview, Track } from './track.js';

/**
 * Starts measuring. Returns the function that sends each pageview: it reports the previous page's
 * time, then sends the pageview and counts for its URL. It returns that URL, undefined when an
 * ignore rule kept the pageview from being sent.
 */
export const trackEngagement = (track: Track): Pageview => {
  let page: string | undefined;
  // Start of the current visible stretch, 0 while hidden. Every flush reports the stretch and
  // starts a new one, so no running total is needed.
  let visibleSince = 0;

  const flush = () => {
    const now = Date.now();
    // Skips empty stretches (a redirect right after load) and a clock set back meanwhile.
    if (page && visibleSince && now > visibleSince) {
      track('engagement' satisfies typeof ENGAGEMENT, { url: page, engagementMs: Math.min(now - visibleSince, MAX_ENGAGEMENT_MS) });
    }
    visibleSince = document.hidden ? 0 : now;
  };
  // visibilitychange to hidden is the last event browsers reliably fire when a tab is closed,
  // switched or navigated away from; mobile Safari often skips pagehide and unload.
  // https://developer.chrome.com/docs/web-platform/page-lifecycle-api#advice-hidden
  addEventListener('visibilitychange', flush); // fired at document, bubbles to window
  return (options) => (flush(), (page = track('pageview' satisfies typeof PAGEVIEW, options)));
};
