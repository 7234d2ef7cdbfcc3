/**
 * What the page shows instead of its sections when none of them can load: the site is not
 * registered, this address has asked too often, or the server cannot be reached. One message,
 * with the next step, in place of the same error in every panel.
 */
import type { ApiError } from '../api.js';
import { h } from '../dom.js';

export function pageState(site: string, error: ApiError, retry: () => void): HTMLElement {
  const button = h('button', { type: 'button', onclick: retry }, 'Try again');
  if (error.status === 404) {
    return h(
      'section',
      { class: 'page-state', 'data-page-state': 'unknown-site' },
      h('h2', {}, `No site called ${site} here`),
      h('p', { role: 'alert' }, error.message),
      h('p', {}, 'Check the address. If the site is yours, register it on the server (sightline site add, or POST /api/sites), then try again.'),
      button,
    );
  }
  if (error.status === 429) {
    const seconds = error.retryAfter ?? 60;
    return h(
      'section',
      { class: 'page-state', 'data-page-state': 'rate-limited' },
      h('h2', {}, 'Too many requests'),
      h('p', { role: 'alert' }, error.message),
      h('p', {}, `The numbers load again by themselves in ${seconds} s.`),
      button,
    );
  }
  return h('section', { class: 'page-state', 'data-page-state': 'unreachable' }, h('h2', {}, 'No answer'), h('p', { role: 'alert' }, error.message), button);
}
