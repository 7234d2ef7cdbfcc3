/** Active filters as chips, each removable with its own button. */
import { fill, h } from '../dom.js';
import { describeFilter, withoutFilter } from '../filters.js';
import { countryName } from '../format.js';
import { propertyLabel } from '../properties.js';
import type { ViewState } from '../view-state.js';

export function renderFilterChips(list: HTMLElement, state: ViewState, navigate: (change: Partial<ViewState>) => void): void {
  list.hidden = state.filters.length === 0;
  fill(
    list,
    ...state.filters.map((filter, index) => {
      const shown = filter.property === 'visit:country' ? { ...filter, values: filter.values.map(countryName) } : filter;
      const text = describeFilter(shown, propertyLabel);
      return h(
        'li',
        { class: 'chip' },
        h('span', {}, text),
        h(
          'button',
          { type: 'button', 'aria-label': `Remove filter: ${text}`, title: 'Remove filter', onclick: () => navigate({ filters: withoutFilter(state.filters, index) }) },
          '×',
        ),
      );
    }),
    state.filters.length > 1 && h('li', {}, h('button', { type: 'button', class: 'clear', onclick: () => navigate({ filters: [] }) }, 'Clear all')),
  );
}
