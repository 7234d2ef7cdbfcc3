/** Script-tag entry (dist/s.js): reads the tag's data attributes, starts each feature, replays queued calls. */
import { autoPageviews } from './autocapture.js';
import { trackLinkClicks } from './clicks.js';
import type { Settings } from './config.js';
import { trackEngagement } from './engagement.js';
import { createTrack, type EventOptions } from './track.js';

/** window.sightline: the README's queue stub until this script runs, then the real function. */
interface SightlineGlobal {
  (name: string, options?: EventOptions): void;
  q?: Iterable<unknown>[];
}

declare global {
  interface Window {
    sightline?: SightlineGlobal;
  }
}

try {
  const script = document.currentScript as HTMLScriptElement;
  const settings: Settings = script.dataset;
  // data-api, or the origin the script was loaded from
  const track = createTrack(settings, settings.api || new URL('/api/event', script.src));
  autoPageviews(settings.hash != null, trackEngagement(track));
  trackLinkClicks(track, settings);

  // self is the page's window, in 2 bytes fewer
  self.sightline?.q?.map((args) => (track as (...args: unknown[]) => void)(...args));
  self.sightline = track;
} catch {
  // never break the host page
}
