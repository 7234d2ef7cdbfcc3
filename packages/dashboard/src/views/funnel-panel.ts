/**
 * The funnel panel: one of the site's funnels, chosen from a list, as a bar per step (its
 * visitors as a share of the first step's) with the drop-off between each step and the next.
 * Funnels are listed once per page load; a site without any says how to define one.
 */
import type { ApiError, Funnel, FunnelResponse, StatsApi } from '../api.js';
import { fill, h } from '../dom.js';
import type { ViewState } from '../view-state.js';
import { loadInto } from './section.js';

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = (value: number) => `${value.toFixed(1)}%`;

export class FunnelPanel {
  readonly element: HTMLElement;
  private readonly body = h('div', { class: 'panel-body', 'aria-busy': 'true' });
  private readonly select = h('select', { id: 'funnel-choice', 'aria-label': 'Funnel' });
  private funnels: Promise<Funnel[]> | undefined;
  private state: ViewState | undefined;
  private signal: AbortSignal | undefined;

  constructor(
    private readonly api: StatsApi,
    private readonly onPageError: (error: ApiError) => void,
  ) {
    this.select.addEventListener('change', () => void this.show());
    this.element = h(
      'section',
      { class: 'panel funnel', 'data-panel': 'funnel', 'aria-labelledby': 'panel-funnel-title' },
      h('header', {}, h('h2', { id: 'panel-funnel-title' }, 'Funnel'), this.select),
      this.body,
    );
  }

  async load(state: ViewState, signal: AbortSignal): Promise<unknown> {
    this.state = state;
    this.signal = signal;
    // A failed list is asked for again on the next load.
    this.funnels ??= this.api.funnels().catch((error: unknown) => {
      this.funnels = undefined;
      throw error;
    });
    return this.show();
  }

  private show(): Promise<unknown> {
    const { state, signal } = this;
    if (!state || !this.funnels) return Promise.resolve();
    const funnels = this.funnels;
    return loadInto(
      this.body,
      async () => {
        const list = await funnels;
        if (list.length === 0) return undefined;
        this.offer(list);
        return this.api.funnel(state, this.select.value, signal);
      },
      (answer) => {
        this.select.hidden = answer === undefined;
        if (answer === undefined) {
          fill(this.body, h('p', { class: 'status' }, 'No funnels yet. Define one with sightline funnel add or the Sites API.'));
          return true;
        }
        this.render(answer);
        return answer.steps[0]!.visitors > 0;
      },
      'No visitor reached the first step in this period.',
      this.onPageError,
    );
  }

  /** Keeps the chosen funnel while the list stays the same. */
  private offer(list: Funnel[]): void {
    const chosen = this.select.value;
    if (this.select.options.length !== list.length) {
      fill(this.select, ...list.map((funnel) => h('option', { value: funnel.name }, funnel.name)));
      if (list.some((funnel) => funnel.name === chosen)) this.select.value = chosen;
    }
  }

  private render(answer: FunnelResponse): void {
    const first = Math.max(answer.steps[0]!.visitors, 1);
    const items = answer.steps.flatMap((step, i) => {
      const bar = h('span', { class: 'bar', 'aria-hidden': 'true' });
      bar.style.width = `${(step.visitors / first) * 100}%`;
      const row = h(
        'li',
        { class: 'funnel-step', 'data-step': i + 1, 'data-visitors': step.visitors, 'data-conversion': step.conversion_rate },
        h('span', { class: 'name' }, bar, h('span', { class: 'label' }, `${i + 1}. ${step.goal}`)),
        h('span', { class: 'num' }, `${count.format(step.visitors)} · ${percent(step.conversion_rate)}`),
      );
      if (i === 0) return [row];
      const drop = h(
        'li',
        { class: 'funnel-drop', 'data-dropoff': step.dropoff, 'data-dropoff-percentage': step.dropoff_percentage },
        `↓ ${count.format(step.dropoff)} dropped off (${percent(step.dropoff_percentage)})`,
      );
      return [drop, row];
    });
    fill(this.body, h('ol', { class: 'funnel-steps', 'aria-label': `Funnel ${answer.funnel.name}, visitors per step` }, ...items));
  }
}
