/**
 * A site with nothing recorded yet: the snippet to install and a live "waiting" line instead of
 * an empty chart and zeros. It asks every few seconds, and hands over once the first visit is in.
 */
import type { StatsApi } from '../api.js';
import { h } from '../dom.js';

export const WAIT_POLL_MS = 5_000;

/** The tag for this site, pointing at the server the dashboard came from. */
export function snippetFor(site: string, origin: string): string {
  // The tracker skips localhost unless told otherwise, so the demo site's tag says so.
  const local = site === 'localhost' || site.startsWith('127.') ? ' data-allow-localhost' : '';
  return `<script defer data-site="${site}"${local} src="${origin}/s.js"></script>`;
}

export class EmptySite {
  readonly element: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: StatsApi,
    private readonly onFirstVisit: () => void,
  ) {
    const site = api.site;
    this.element = h(
      'section',
      { class: 'page-state empty-site', 'data-page-state': 'empty' },
      h('h2', {}, `Nothing recorded for ${site} yet`),
      h('p', {}, "Paste this into the <head> of every page of the site:"),
      h('pre', { class: 'snippet' }, h('code', {}, snippetFor(site, location.origin))),
      h('p', { class: 'waiting', role: 'status' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), 'Waiting for the first visit… this page updates by itself when it comes in.'),
      h('p', {}, 'The tracker sends nothing from automated browsers, or for a visitor who opted out; its options are in the tracker README.'),
    );
  }

  /** Asks now and then every few seconds while the tab is visible, until a visit is recorded. */
  watch(): void {
    this.stop();
    const ask = async () => {
      if (document.visibilityState !== 'hidden') {
        const seen = await this.api.hasVisitors().catch(() => false);
        if (seen) {
          this.onFirstVisit();
          return;
        }
      }
      this.timer = setTimeout(() => void ask(), WAIT_POLL_MS);
    };
    this.timer = setTimeout(() => void ask(), WAIT_POLL_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
