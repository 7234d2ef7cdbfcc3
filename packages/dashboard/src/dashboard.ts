/**
 * The page: lays out every section at once (first paint needs no data), then lets each section
 * load on its own so a slow breakdown never holds up the top-line numbers. The view lives in
 * the URL; every change of view is a history entry. What stops every section at once (an
 * unknown site, a key needed, too many requests, a site with nothing recorded yet) is said
 * once, in place of the sections.
 */
import { StatsApi, type ApiError, type TimeseriesRow } from './api.js';
import type { ViewSnapshot } from './csv.js';
import { fill, h } from './dom.js';
import { periodShortcuts } from './keyboard.js';
import { forgetKey, readKey, saveKey } from './key-store.js';
import { DEFAULT_PERIOD, intervalFor, PERIOD_OPTIONS, previousPeriod, youngSitePeriod } from './periods.js';
import { describeFilter, formatFilters } from './filters.js';
import { PANELS, propertyLabel, propTab, type PanelSpec } from './properties.js';
import { readViewState, writeViewState, type ViewState } from './view-state.js';
import { BreakdownPanel } from './views/breakdown-panel.js';
import { EmptySite } from './views/empty-site.js';
import { FunnelPanel } from './views/funnel-panel.js';
import { TrafficChart } from './views/chart.js';
import { csvFileName, downloadCsv } from './views/export-csv.js';
import { renderFilterChips } from './views/filter-chips.js';
import { keyForm } from './views/key-form.js';
import { LIVE_REFRESH_MS, LiveVisitors } from './views/live-visitors.js';
import { pageState } from './views/page-state.js';
import { PeriodPicker } from './views/period-picker.js';
import { loadInto } from './views/section.js';
import { renderTopStats, TOP_METRICS } from './views/top-stats.js';

export class Dashboard {
  private state: ViewState;
  private key: string | null;
  private loads = new AbortController();
  private realtimeTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The page-wide error shown in place of the sections, until the next refresh. */
  private pageError: ApiError | null = null;
  /** The URL named no period: a site younger than the default one gets a shorter one. */
  private periodChosenForSite: boolean;
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
  private readonly funnelPanel: FunnelPanel;
  private readonly propInput = h('input', { id: 'prop-key', size: 12, autocomplete: 'off', spellcheck: 'false', placeholder: 'prop key' });
  private readonly forget = h('button', { type: 'button', class: 'link', hidden: true }, 'Forget API key');
  private readonly main: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly emptySite: EmptySite;

  constructor(
    root: HTMLElement,
    private readonly site: string,
    /** The token of the shared link the page was opened with: it reads the stats in place of a key. */
    private readonly sharedLink?: string,
  ) {
    this.state = readViewState(location.search);
    this.periodChosenForSite = !new URLSearchParams(location.search).has('period');
    this.key = sharedLink ?? readKey(site);
    this.api = new StatsApi(site, () => this.key);
    this.picker = new PeriodPicker((change) => this.navigate({ ...this.state, ...change }));
    this.live = new LiveVisitors(this.api);
    this.chart = new TrafficChart(this.chartCanvas);

    this.controls = h('div', { class: 'controls' }, this.picker.element, h('button', { type: 'button', id: 'export', onclick: () => this.exportCsv() }, 'Export CSV'));
    this.emptySite = new EmptySite(this.api, () => this.refresh());
    const host = { api: this.api, navigate: (state: ViewState) => this.navigate(state), onPageError: (error: ApiError) => this.showPageError(error) };
    this.panels = PANELS.map((spec) => new BreakdownPanel(spec, host));
    const propSpec: PanelSpec = { id: 'props', title: 'Event props', tabs: [propTab(this.state.prop ?? '')] };
    this.propsPanel = new BreakdownPanel(propSpec, host, this.propForm());
    this.funnelPanel = new FunnelPanel(this.api, host.onPageError);

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
        this.controls,
      ),
      this.chips,
      this.announcer,
      this.notice,
      (this.main = h('main', {}, this.topStats, h('section', { class: 'chart', 'aria-label': 'Visitors and pageviews over time' }, this.chartCanvas, this.chartBody), h('div', { class: 'panels' }, ...this.panels.map((panel) => panel.element), this.propsPanel.element, this.funnelPanel.element))),
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
    this.forget.hidden = this.key === null || sharedLink !== undefined;
    this.refresh();
    void this.live.refresh();
  }

  navigate(state: ViewState): void {
    this.periodChosenForSite = false;
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
    this.clearPageError();
    this.picker.show(state);
    renderFilterChips(this.chips, state, (change) => this.navigate({ ...this.state, ...change }));
    document.title = `${this.site} · Sightline`;
    const onPageError = (error: ApiError) => this.showPageError(error);
    this.snapshot.aggregate = undefined;
    this.snapshot.timeseries = undefined;

    const interval = intervalFor(state.period, state.range);
    const timeseries = this.api.timeseries(state, ['visitors', 'pageviews'], interval, signal);
    const previous = this.previousVisitors(state, interval, timeseries, signal);
    // Without a previous period to compare with there is no change to show; the totals wait for it.
    const previousEmpty = previous.then((rows) => rows !== undefined && rows.every((row) => !row.visitors));

    void loadInto(
      this.topStats,
      () => Promise.all([this.api.aggregate(state, TOP_METRICS, signal), previousEmpty]),
      ([results, empty]) => {
        this.snapshot.aggregate = results;
        return renderTopStats(this.topStats, results, empty);
      },
      'No data.',
      onPageError,
    );

    void loadInto(
      this.chartBody,
      () => timeseries,
      (rows) => {
        this.snapshot.timeseries = rows;
        const visitors = rows.reduce((sum, row) => sum + (row.visitors ?? 0), 0);
        this.chartCanvas.setAttribute('aria-label', `Chart of visitors and pageviews by ${interval}, ${rows.length} points; the CSV export has every value.`);
        this.chart.show(rows, interval);
        fill(this.chartBody);
        previous.then(
          (shown) => {
            if (shown !== undefined && !signal.aborted) this.chart.compare(shown);
          },
          // The comparison line is extra: without it the chart is still right.
          () => undefined,
        );
        const hasData = visitors > 0 || rows.some((row) => (row.pageviews ?? 0) > 0);
        this.chartCanvas.hidden = !hasData;
        if (!hasData && state.filters.length === 0) void this.showEmptySiteIfNothingRecorded(signal);
        if (hasData) void this.fitPeriodToSite(state, rows, previousEmpty, signal);
        return hasData;
      },
      'No visitors in this period yet.',
      onPageError,
    );

    for (const panel of this.panels) void panel.load(state, signal);
    void this.funnelPanel.load(state, signal);
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

  /**
   * The previous period's visitors, bucket by bucket, found from the first bucket of the view's
   * (already in the site's time zone). None for the last 30 minutes: the 30 before them slide.
   */
  private async previousVisitors(state: ViewState, interval: ReturnType<typeof intervalFor>, timeseries: Promise<TimeseriesRow[]>, signal: AbortSignal): Promise<TimeseriesRow[] | undefined> {
    const first = (await timeseries)[0];
    if (!first || state.period === '30m') return undefined;
    return this.api.timeseries(state, ['visitors'], interval, signal, previousPeriod(state.period, first.date, state.range));
  }

  /**
   * A site younger than the default period would show a flat line and a spike at its end:
   * opened without a period, it shows the days it has (today, or the last 7 days) instead.
   */
  private async fitPeriodToSite(state: ViewState, rows: TimeseriesRow[], previousEmpty: Promise<boolean>, signal: AbortSignal): Promise<void> {
    if (!this.periodChosenForSite || state.period !== DEFAULT_PERIOD || state.filters.length > 0) return;
    const empty = await previousEmpty.catch(() => false);
    if (signal.aborted || !this.periodChosenForSite) return;
    this.periodChosenForSite = false;
    const period = empty ? youngSitePeriod(rows) : undefined;
    if (period === undefined) return;
    this.state = { ...state, period };
    this.refresh();
  }

  /** With nothing in the view and no filter, finds out whether the site has recorded anything at all. */
  private async showEmptySiteIfNothingRecorded(signal: AbortSignal): Promise<void> {
    const seen = await this.api.hasVisitors(signal).catch(() => true);
    if (seen || signal.aborted || this.pageError) return;
    this.main.hidden = true;
    this.controls.hidden = true;
    fill(this.notice, this.emptySite.element);
    this.emptySite.watch();
  }

  /** Shows once, in place of the sections, an error that every section has. */
  private showPageError(error: ApiError): void {
    if (this.pageError !== null) return;
    this.pageError = error;
    this.main.hidden = true;
    this.controls.hidden = true;
    this.live.element.hidden = true;
    if (error.status === 401 || error.status === 403) {
      this.askForKey(error);
      return;
    }
    fill(this.notice, pageState(this.site, error, () => this.refresh()));
    if (error.status === 429) this.retryTimer = setTimeout(() => this.refresh(), (error.retryAfter ?? 60) * 1000);
  }

  private clearPageError(): void {
    clearTimeout(this.retryTimer);
    this.emptySite.stop();
    this.main.hidden = false;
    this.controls.hidden = false;
    this.live.element.hidden = false;
    // The key form stays until a key is given; every other state is redrawn by the new loads if it still holds.
    if (!this.notice.querySelector('form')) fill(this.notice);
    this.pageError = null;
  }

  /** The realtime view keeps itself current, but asks nothing while the tab is in the background. */
  private refreshWhileVisible(): void {
    if (document.visibilityState === 'hidden') this.realtimeTimer = setTimeout(() => this.refreshWhileVisible(), LIVE_REFRESH_MS);
    else this.refresh();
  }

  private askForKey(error: ApiError): void {
    if (this.notice.querySelector('form')) return;
    // A shared link that is refused (revoked) cannot be replaced from the page.
    if (this.sharedLink !== undefined) {
      fill(this.notice, h('p', { class: 'error', role: 'alert' }, error.message));
      return;
    }
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
