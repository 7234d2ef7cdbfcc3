/** The period select, and the two date fields of a custom range. */
import { h } from '../dom.js';
import type { Period } from '../api.js';
import { PERIOD_OPTIONS } from '../periods.js';
import type { ViewState } from '../view-state.js';

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export class PeriodPicker {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly custom: HTMLFormElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;

  constructor(private readonly navigate: (change: Partial<ViewState>) => void) {
    this.select = h(
      'select',
      { id: 'period', onchange: () => this.choose(this.select.value as Period) },
      ...PERIOD_OPTIONS.map((option) => h('option', { value: option.id }, option.label)),
    );
    this.from = h('input', { type: 'date', id: 'range-from', required: true });
    this.to = h('input', { type: 'date', id: 'range-to', required: true });
    this.custom = h(
      'form',
      {
        class: 'custom-range',
        hidden: true,
        onsubmit: (event) => {
          event.preventDefault();
          const [from, to] = [this.from.value, this.to.value].sort() as [string, string];
          this.navigate({ period: 'custom', range: [from, to] });
        },
      },
      h('label', { for: 'range-from' }, 'From'),
      this.from,
      h('label', { for: 'range-to' }, 'to'),
      this.to,
      h('button', { type: 'submit' }, 'Apply'),
    );
    this.element = h('div', { class: 'period' }, h('label', { for: 'period', class: 'visually-hidden' }, 'Period'), this.select, this.custom);
  }

  show(state: ViewState): void {
    this.select.value = state.period;
    this.custom.hidden = state.period !== 'custom';
    if (state.range) [this.from.value, this.to.value] = state.range;
  }

  /** The custom range needs its dates first; every other period applies at once. */
  choose(period: Period): void {
    if (period !== 'custom') {
      this.navigate({ period });
      return;
    }
    this.select.value = 'custom';
    this.custom.hidden = false;
    if (!this.to.value) this.to.value = isoDay(new Date());
    if (!this.from.value) this.from.value = isoDay(new Date(Date.now() - 6 * 86_400_000));
    this.from.focus();
  }
}
