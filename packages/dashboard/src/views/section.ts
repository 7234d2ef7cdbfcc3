/**
 * Loading, empty and error states, the same for every section. A section that already shows data
 * keeps it (dimmed, aria-busy) while it reloads, so switching period does not flash blank panels.
 * An error that concerns the whole page goes to the page, which says it once for every section.
 */
import { ApiError, isAbort } from '../api.js';
import { fill, h } from '../dom.js';

export type Outcome = 'shown' | 'empty' | 'failed' | 'aborted';

export async function loadInto<T>(
  body: HTMLElement,
  fetch: () => Promise<T>,
  render: (data: T) => boolean,
  emptyText: string,
  onPageError: (error: ApiError) => void,
): Promise<Outcome> {
  body.setAttribute('aria-busy', 'true');
  if (body.dataset.state !== 'shown') fill(body, h('p', { class: 'status' }, 'Loading…'));
  let outcome: Outcome;
  try {
    const data = await fetch();
    outcome = render(data) ? 'shown' : 'empty';
    if (outcome === 'empty') fill(body, h('p', { class: 'status' }, emptyText));
  } catch (error) {
    // A newer load owns the section now; it will clear aria-busy.
    if (isAbort(error)) return 'aborted';
    outcome = 'failed';
    if (error instanceof ApiError && error.concernsPage) {
      onPageError(error);
      fill(body);
    } else fill(body, h('p', { class: 'error', role: 'alert' }, errorText(error)));
  }
  body.dataset.state = outcome;
  body.setAttribute('aria-busy', 'false');
  return outcome;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
}
