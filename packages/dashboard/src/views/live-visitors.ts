/**
 * "N current visitors": visitors of the last 5 minutes, asked for again every 15 seconds while
 * the tab is visible, and at once when it becomes visible again.
 */
import type { StatsApi } from '../api.js';
import { h } from '../dom.js';
import { formatMetric } from '../format.js';

export const LIVE_REFRESH_MS = 15_000;

export class LiveVisitors {
  readonly element: HTMLElement;
  private readonly count: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: StatsApi) {
    this.count = h('b', { class: 'live-count' }, '–');
    this.element = h('p', { class: 'live', title: 'Visitors in the last 5 minutes' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), this.count, ' current visitors');
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const visitors = await this.api.realtimeVisitors();
      this.count.textContent = formatMetric('visitors', visitors);
      this.element.classList.remove('stale');
    } catch {
      // The panels show the API's error; here a stale mark is enough.
      this.element.classList.add('stale');
    }
    if (document.visibilityState !== 'hidden') this.timer = setTimeout(() => void this.refresh(), LIVE_REFRESH_MS);
  }
}
