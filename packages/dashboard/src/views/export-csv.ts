/** Downloads the view as a CSV file, built in the page from what it already shows. */
import { snapshotRows, toCsv, type ViewSnapshot } from '../csv.js';
import { h } from '../dom.js';
import type { ViewState } from '../view-state.js';

export function csvFileName(site: string, state: ViewState): string {
  const period = state.period === 'custom' && state.range ? state.range.join('_') : state.period;
  return `sightline-${site}-${period}${state.filters.length > 0 ? '-filtered' : ''}.csv`;
}

export function downloadCsv(fileName: string, snapshot: ViewSnapshot): void {
  const url = URL.createObjectURL(new Blob([toCsv(snapshotRows(snapshot))], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
