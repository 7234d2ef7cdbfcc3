/**
 * One breakdown panel: tabs for related properties, a table of the top values with a bar for
 * their share, rows that filter the whole dashboard when clicked, and "show more" paging.
 * Rows are real links to the filtered view, so they work with the keyboard, open in a new tab
 * and can be copied.
 */
import type { ApiError, BreakdownRow, StatsApi } from '../api.js';
import { fill, h } from '../dom.js';
import { withFilter } from '../filters.js';
import { countryName, formatMetric, METRIC_COLUMNS } from '../format.js';
import { NONE, noneMeans, shortName, type PanelSpec, type Tab } from '../properties.js';
import { writeViewState, type ViewState } from '../view-state.js';
import { loadInto } from './section.js';

export const PAGE_SIZE = 10;

export interface PanelHost {
  api: StatsApi;
  /** Goes to another view of the dashboard (pushState). */
  navigate(state: ViewState): void;
  /** An error every section would have: the page shows it once. */
  onPageError(error: ApiError): void;
}

export class BreakdownPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tabList: HTMLElement;
  private readonly more: HTMLButtonElement;
  private tab: Tab;
  private rows: BreakdownRow[] = [];
  private page = 1;
  private state: ViewState | undefined;
  private signal: AbortSignal | undefined;

  constructor(
    readonly spec: PanelSpec,
    private readonly host: PanelHost,
    extra?: HTMLElement,
  ) {
    this.tab = spec.tabs[0]!;
    const titleId = `panel-${spec.id}-title`;
    this.tabList = h('div', { class: 'tabs', role: 'group', 'aria-label': `${spec.title} by` });
    this.body = h('div', { class: 'panel-body', 'aria-busy': 'true' });
    this.more = h('button', { type: 'button', class: 'more', hidden: true, onclick: () => void this.loadMore() }, 'Show more');
    this.element = h(
      'section',
      { class: 'panel', 'data-panel': spec.id, 'aria-labelledby': titleId },
      h('header', {}, h('h2', { id: titleId }, spec.title), this.tabList),
      extra,
      this.body,
      this.more,
    );
    this.renderTabs();
  }

  get current(): { title: string; tab: Tab; rows: BreakdownRow[] } {
    return { title: this.spec.title, tab: this.tab, rows: this.rows };
  }

  setTabs(tabs: Tab[]): void {
    this.spec.tabs = tabs;
    this.tab = tabs.find((tab) => tab.property === this.tab.property) ?? tabs[0]!;
    this.renderTabs();
  }

  load(state: ViewState, signal: AbortSignal): Promise<unknown> {
    this.state = state;
    this.signal = signal;
    this.page = 1;
    return this.fetchPage(false);
  }

  /** Shows a hint instead of data, for a panel that needs a choice first. */
  idle(hint: string): void {
    this.state = undefined;
    this.rows = [];
    this.more.hidden = true;
    this.body.dataset.state = 'idle';
    this.body.setAttribute('aria-busy', 'false');
    fill(this.body, h('p', { class: 'status' }, hint));
  }

  private renderTabs(): void {
    fill(
      this.tabList,
      ...(this.spec.tabs.length > 1
        ? this.spec.tabs.map((tab) =>
            h(
              'button',
              {
                type: 'button',
                'aria-pressed': String(tab === this.tab),
                onclick: () => {
                  this.tab = tab;
                  this.body.dataset.state = '';
                  this.renderTabs();
                  if (this.state && this.signal) void this.load(this.state, this.signal);
                },
              },
              tab.label,
            ),
          )
        : []),
    );
  }

  private async loadMore(): Promise<void> {
    this.page += 1;
    await this.fetchPage(true);
    this.more.focus();
  }

  private fetchPage(append: boolean): Promise<unknown> {
    const { state, signal, tab, page } = this;
    if (!state) return Promise.resolve();
    return loadInto(
      this.body,
      () => this.host.api.breakdown(state, tab, page, PAGE_SIZE, signal),
      (rows) => {
        if (signal?.aborted || tab !== this.tab) return this.rows.length > 0;
        this.rows = append ? [...this.rows, ...rows] : rows;
        // A full page may have a next one; an empty next page only hides the button.
        this.more.hidden = rows.length < PAGE_SIZE;
        if (this.rows.length === 0) return false;
        this.renderRows(state);
        return true;
      },
      this.spec.empty ?? 'Nothing recorded for this period.',
      (error) => this.host.onPageError(error),
    );
  }

  private renderRows(state: ViewState): void {
    const name = shortName(this.tab.property);
    const top = Math.max(...this.rows.map((row) => Number(row.visitors ?? row[this.tab.metrics[0]!] ?? 0)), 1);
    const table = h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, `${this.spec.title}: ${this.tab.label}`),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, this.tab.column), ...this.tab.metrics.map((metric) => h('th', { scope: 'col', class: 'num' }, this.tab.headings?.[metric] ?? METRIC_COLUMNS[metric]))),
      ),
      h('tbody', {}, ...this.rows.map((row) => this.renderRow(state, row, name, top))),
    );
    fill(this.body, table);
  }

  private renderRow(state: ViewState, row: BreakdownRow, name: string, top: number): HTMLTableRowElement {
    const raw = row[name];
    const value = raw === null || raw === undefined ? null : String(raw);
    // A missing value cannot be filtered on, so it is shown but not linked.
    const shown = value === null ? NONE : this.tab.property === 'visit:country' ? countryName(value) : value;
    const label = h('span', { class: 'label', title: value ?? noneMeans(this.tab.property) }, shown);
    let cell: HTMLElement = label;
    if (value !== null) {
      const target = { ...state, filters: withFilter(state.filters, this.tab.property, value) };
      cell = h('a', { href: location.pathname + writeViewState(target), 'data-value': value }, label);
      cell.addEventListener('click', (event) => {
        const mouse = event as MouseEvent;
        if (mouse.button !== 0 || mouse.metaKey || mouse.ctrlKey || mouse.shiftKey || mouse.altKey) return;
        event.preventDefault();
        this.host.navigate(target);
      });
    }
    const bar = h('span', { class: 'bar', 'aria-hidden': 'true' });
    bar.style.width = `${(Number(row.visitors ?? row[this.tab.metrics[0]!] ?? 0) / top) * 100}%`;
    return h(
      'tr',
      {},
      h('td', { class: 'name' }, bar, cell),
      ...this.tab.metrics.map((metric) => h('td', { class: 'num', 'data-metric': metric }, formatMetric(metric, row[metric] as number | null | undefined))),
    );
  }
}
