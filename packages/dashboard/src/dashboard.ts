/**
 * The page: lays out every section at once (first paint needs no data), then lets each section
 * load on its own so a slow breakdown never holds up the top-line numbers. The view lives in
 * the URL; every change of view is a history entry.
 */
import { StatsApi, type ApiError } from './api.js';
import type { ViewSnapshot } from './csv.js';
import { fill, h } from './dom.js';
import { periodShortcuts } from './keyboard.js';
import { forgetKey, readKey, saveKey } from './key-store.js';
import { intervalFor, PERIOD_OPTIONS, previousPeriod } from './periods.js';
import { describeFilter, formatFilters } from './filters.js';
import { PANELS, propertyLabel, propTab, type PanelSpec } from './properties.js';
import { readViewState, writeViewState, type ViewState } from './view-state.js';
import { BreakdownPanel } from './views/breakdown-panel.js';
import { TrafficChart } from './views/chart.js';
import { csvFileName, downloadCsv } from './views/export-csv.js';
import { renderFilterChips } from './views/filter-chips.js';
import { keyForm } from './views/key-form.js';
import { LIVE_REFRESH_MS, LiveVisitors } from './views/live-visitors.js';
import { PeriodPicker } from './views/period-picker.js';
import { loadInto } from './views/section.js';
import { renderTopStats, TOP_METRICS } from './views/top-stats.js';

export class Dashboard {
  private state: ViewState;
  private key: string | null;
  private loads = new AbortController();
  private realtimeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly snapshot: ViewSnapshot = { breakdowns: [] };
  private readonly api: StatsApi;
  private readonly picker: PeriodPicker;
  private readonly live: LiveVisitors;
  private readonly chips = h('ul', { class: 'chips', 'aria-label': 'Active filters' });
  private readonly notice = h('div', { class: 'notice' });
  private readonly announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  private readonly topStats = h('section', { class: 'top-stats', 'aria-label': 'Totals', 'aria-busy': 'true' });
  private readonly chartBody = h('div', { class: 'chart-body', 'aria-busy': 'true' });
  private readonly chartCanvas = h('div', { class: 'chart-canvas', role: 'img' });
  private readonly chart: TrafficChart;
  private readonly panels: BreakdownPanel[];
  private readonly propsPanel: BreakdownPanel;
  private readonly propInput = h('input', { id: 'prop-key', size: 12, autocomplete: 'off', spellcheck: 'false', placeholder: 'prop key' });
  private readonly forget = h('button', { type: 'button', class: 'link', hidden: true }, 'Forget API key');

  constructor(
    root: HTMLElement,
    private readonly site: string,
  ) {
    this.state = readViewState(location.search);
    this.key = readKey(site);
    this.api = new StatsApi(site, () => this.key);
    this.picker = new PeriodPicker((change) => this.navigate({ ...this.state, ...change }));
    this.live = new LiveVisitors(this.api);
    this.chart = new TrafficChart(this.chartCanvas);

    const host = { api: this.api, navigate: (state: ViewState) => this.navigate(state), onUnauthorized: (error: ApiError) => this.askForKey(error) };
    this.panels = PANELS.map((spec) => new BreakdownPanel(spec, host));
    const propSpec: PanelSpec = { id: 'props', title: 'Event props', tabs: [propTab(this.state.prop ?? '')] };
    this.propsPanel = new BreakdownPanel(propSpec, host, this.propForm());

    this.forget.addEventListener('click', () => {
      forgetKey(site);
      this.key = null;
      this.forget.hidden = true;
      this.refresh();
    });

    fill(
      root,
      h(
        'header',
        { class: 'top' },
        h('h1', {}, h('span', { class: 'brand' }, 'Sightline'), h('span', { class: 'site' }, site)),
        this.live.element,
        h('div', { class: 'controls' }, this.picker.element, h('button', { type: 'button', id: 'export', onclick: () => this.exportCsv() }, 'Export CSV')),
      ),
      this.chips,
      this.announcer,
      this.notice,
      h('main', {}, this.topStats, h('section', { class: 'chart', 'aria-label': 'Visitors and pageviews over time' }, this.chartCanvas, this.chartBody), h('div', { class: 'panels' }, ...this.panels.map((panel) => panel.element), this.propsPanel.element)),
      h(
        'footer',
        {},
        h('p', {}, 'Keys: ', ...PERIOD_OPTIONS.flatMap((option) => [h('kbd', {}, option.key), ` ${option.label.toLowerCase()}  `])),
        h('span', {}, h('a', { href: '/docs' }, 'Stats API docs'), ' ', this.forget),
      ),
    );

    addEventListener('popstate', () => {
      this.state = readViewState(location.search);
      this.refresh();
    });
    periodShortcuts((period) => this.picker.choose(period));
    this.forget.hidden = this.key === null;
    this.refresh();
    void this.live.refresh();
  }

  navigate(state: ViewState): void {
    const filtersChanged = formatFilters(state.filters) !== formatFilters(this.state.filters);
    this.state = state;
    history.pushState(null, '', location.pathname + writeViewState(state));
    this.refresh();
    this.announce();
    // The row or chip that was used goes away with a filter change: keep keyboard users close by,
    // on the way to undo it.
    if (filtersChanged) {
      (this.chips.querySelector<HTMLElement>('li:last-child button') ?? this.picker.element.querySelector('select'))?.focus();
    }
  }

  /** Tells screen readers what the page now shows; the change itself happens all over the page. */
  private announce(): void {
    const period = PERIOD_OPTIONS.find((option) => option.id === this.state.period)?.label ?? '';
    const range = this.state.range ? ` ${this.state.range.join(' to ')}` : '';
    const filters = this.state.filters.map((filter) => describeFilter(filter, propertyLabel)).join(', ');
    this.announcer.textContent = `Showing ${period}${range}${filters ? `, where ${filters}` : ''}.`;
  }

  private refresh(): void {
    this.loads.abort();
    this.loads = new AbortController();
    const { signal } = this.loads;
    const state = this.state;
    this.picker.show(state);
    renderFilterChips(this.chips, state, (change) => this.navigate({ ...this.state, ...change }));
    document.title = `${this.site} · Sightline`;
    const onUnauthorized = (error: ApiError) => this.askForKey(error);
    this.snapshot.aggregate = undefined;
    this.snapshot.timeseries = undefined;

    void loadInto(
      this.topStats,
      () => this.api.aggregate(state, TOP_METRICS, signal),
      (results) => {
        this.snapshot.aggregate = results;
        return renderTopStats(this.topStats, results);
      },
      'No data.',
      onUnauthorized,
    );

    const interval = intervalFor(state.period, state.range);
    void loadInto(
      this.chartBody,
      () => this.api.timeseries(state, ['visitors', 'pageviews'], interval, signal),
      (rows) => {
        this.snapshot.timeseries = rows;
        const visitors = rows.reduce((sum, row) => sum + (row.visitors ?? 0), 0);
        this.chartCanvas.setAttribute('aria-label', `Chart of visitors and pageviews by ${interval}, ${rows.length} points; the CSV export has every value.`);
        this.chart.show(rows, interval);
        fill(this.chartBody);
        const first = rows[0];
        // The last 30 minutes slide; the 30 before them make no useful line.
        if (first && state.period !== '30m') {
          const shift = previousPeriod(state.period, first.date, state.range);
          this.api.timeseries(state, ['visitors'], interval, signal, shift).then(
            (previous) => {
              if (!signal.aborted) this.chart.compare(previous);
            },
            // The comparison line is extra: without it the chart is still right.
            () => undefined,
          );
        }
        const hasData = visitors > 0 || rows.some((row) => (row.pageviews ?? 0) > 0);
        this.chartCanvas.hidden = !hasData;
        return hasData;
      },
      'No visitors in this period yet.',
      onUnauthorized,
    );

    for (const panel of this.panels) void panel.load(state, signal);
    clearTimeout(this.realtimeTimer);
    if (state.period === '30m') this.realtimeTimer = setTimeout(() => this.refreshWhileVisible(), LIVE_REFRESH_MS);
    this.propInput.value = state.prop ?? '';
    if (state.prop) {
      this.propsPanel.setTabs([propTab(state.prop)]);
      void this.propsPanel.load(state, signal);
    } else {
      this.propsPanel.idle('Enter the key of a custom event prop (for example plan) to see its values.');
    }
  }

  /** The realtime view keeps itself current, but asks nothing while the tab is in the background. */
  private refreshWhileVisible(): void {
    if (document.visibilityState === 'hidden') this.realtimeTimer = setTimeout(() => this.refreshWhileVisible(), LIVE_REFRESH_MS);
    else this.refresh();
  }

  private askForKey(error: ApiError): void {
    if (this.notice.querySelector('form')) return;
    // A stored key that was refused is of no more use.
    if (this.key !== null) {
      forgetKey(this.site);
      this.key = null;
      this.forget.hidden = true;
    }
    fill(
      this.notice,
      keyForm(this.site, error.message, (key) => {
        this.key = key;
        saveKey(this.site, key);
        this.forget.hidden = false;
        fill(this.notice);
        this.refresh();
        void this.live.refresh();
      }),
    );
  }

  private propForm(): HTMLFormElement {
    const input = this.propInput;
    return h(
      'form',
      {
        class: 'prop-form',
        onsubmit: (event) => {
          event.preventDefault();
          const key = input.value.trim();
          const { prop: _previous, ...rest } = this.state;
          this.navigate(key ? { ...rest, prop: key } : rest);
        },
      },
      h('label', { for: 'prop-key' }, 'Prop'),
      input,
      h('button', { type: 'submit' }, 'Show'),
    );
  }

  private exportCsv(): void {
    this.snapshot.breakdowns = [...this.panels, ...(this.state.prop ? [this.propsPanel] : [])].map((panel) => panel.current);
    downloadCsv(csvFileName(this.site, this.state), this.snapshot);
  }
}
