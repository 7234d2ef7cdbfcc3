/** Single-key shortcuts for the period, as in Plausible; never while typing in a field. */
import type { Period } from './api.js';
import { PERIOD_OPTIONS } from './periods.js';

export function periodShortcuts(choose: (period: Period) => void): void {
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, select, textarea, [contenteditable]')) return;
    const option = PERIOD_OPTIONS.find((candidate) => candidate.key === event.key.toLowerCase());
    if (!option) return;
    event.preventDefault();
    choose(option.id);
  });
}
