/**
 * What the dashboard asks when it opens (packages/dashboard/src: api.ts, dashboard.ts,
 * properties.ts, views/top-stats.ts): the top-line numbers against the previous period, the
 * chart, and the breakdown panels, ten rows a page, each tab with the metrics it shows: the tab
 * each panel opens with, and the others but the rarer UTM ones (medium, campaign, term, content).
 * Then views after a click on a row or a prop: one filter, the numbers, the chart and a couple of panels.
 * Then the goal conversions and funnel panels, and a click on a goal.
 * Parameters are built and encoded as the dashboard builds them.
 */
import { BENCH_FUNNEL } from './goals.js';
export interface Query {
  name: string;
  /** The view's filter; filtered views read more and have their own target. */
  filter: string | null;
  /** Visit breakdowns read every event of the range: the heaviest work, which the probe runs alongside its own. */
  heavy: boolean;
  path: (site: string, from: string, to: string) => string;
  /** The cold p50 target when it is not the view's: goal and funnel reads have their own. */
  targetMs?: number;
}

const TOP_METRICS = 'visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration';
/** The custom events panel leaves out the tracker's own events. */
const NOT_AUTOMATIC = 'event:name!=pageview|engagement';
const PAGE_SIZE = '10';

interface Panel {
  property: string;
  metrics: string;
  filter?: string;
}

const PANELS: readonly Panel[] = [
  { property: 'event:page', metrics: 'visitors,pageviews' },
  { property: 'visit:entry_page', metrics: 'visitors,visits' },
  { property: 'visit:exit_page', metrics: 'visitors,visits' },
  { property: 'visit:source', metrics: 'visitors,bounce_rate' },
  { property: 'visit:referrer', metrics: 'visitors' },
  { property: 'visit:utm_source', metrics: 'visitors' },
  { property: 'visit:country', metrics: 'visitors' },
  { property: 'visit:browser', metrics: 'visitors' },
  { property: 'visit:os', metrics: 'visitors' },
  { property: 'visit:device', metrics: 'visitors' },
  { property: 'event:name', metrics: 'visitors,events', filter: NOT_AUTOMATIC },
];

/** Views after one click: a page, a country, a source, a prop value; each opens with its numbers and these panels. */
const FILTERED_VIEWS: ReadonlyArray<{ filter: string; panels: readonly string[] }> = [
  { filter: 'event:page==/pricing', panels: ['visit:source', 'visit:country'] },
  { filter: 'visit:country==DE', panels: ['event:page', 'visit:source'] },
  { filter: 'visit:source==Google', panels: ['event:page', 'visit:entry_page'] },
  { filter: 'event:props:plan==pro', panels: ['visit:source', 'event:name'] },
];

type Params = Record<string, string>;

function url(endpoint: string, params: Params): string {
  return `/api/v1/stats/${endpoint}?${new URLSearchParams(params)}`;
}

/** The parameters every query of a view shares, in the dashboard's order. */
function viewParams(site: string, from: string, to: string, filters: ReadonlyArray<string | undefined>): Params {
  const params: Params = { site_id: site, period: 'custom', date: `${from},${to}` };
  const clauses = filters.filter((filter): filter is string => filter !== undefined);
  if (clauses.length > 0) params.filters = clauses.join(';');
  return params;
}

function aggregate(filter: string | null): Query {
  return {
    name: 'aggregate (6 metrics, vs previous period)',
    filter,
    heavy: false,
    path: (site, from, to) => url('aggregate', { ...viewParams(site, from, to, [filter ?? undefined]), metrics: TOP_METRICS, compare: 'previous_period' }),
  };
}

function timeseries(filter: string | null): Query {
  return {
    name: 'timeseries (visitors, pageviews by day)',
    filter,
    heavy: false,
    path: (site, from, to) =>
      url('timeseries', { ...viewParams(site, from, to, [filter ?? undefined]), metrics: 'visitors,pageviews', interval: 'day' }),
  };
}

function breakdown(panel: Panel, filter: string | null): Query {
  return {
    name: `breakdown ${panel.property} (${panel.metrics.replaceAll(',', ', ')})`,
    filter,
    heavy: filter === null && panel.property.startsWith('visit:'),
    path: (site, from, to) =>
      url('breakdown', {
        ...viewParams(site, from, to, [filter ?? undefined, panel.filter]),
        property: panel.property,
        metrics: panel.metrics,
        limit: PAGE_SIZE,
        page: '1',
      }),
  };
}

function panel(property: string): Panel {
  const found = PANELS.find((candidate) => candidate.property === property);
  if (found === undefined) throw new Error(`no dashboard panel breaks down by ${property}`);
  return found;
}

/** Goals and funnels over a million events: a goal breakdown and a conversion rate in 150 ms, a 4-step funnel in 500 ms. */
const GOAL_TARGET_MS = 150;
const FUNNEL_TARGET_MS = 500;

/** The goal conversions panel, a click on its first goal (the conversion rate), and the funnel panel (goals.ts defines them). */
const GOAL_QUERIES: readonly Query[] = [
  {
    name: 'breakdown event:goal (visitors, events, conversion_rate)',
    filter: null,
    heavy: false,
    targetMs: GOAL_TARGET_MS,
    path: (site, from, to) =>
      url('breakdown', { ...viewParams(site, from, to, []), property: 'event:goal', metrics: 'visitors,events,conversion_rate', limit: PAGE_SIZE, page: '1' }),
  },
  {
    name: 'aggregate (visitors, conversion_rate)',
    filter: 'event:goal==Signup',
    heavy: false,
    targetMs: GOAL_TARGET_MS,
    path: (site, from, to) => url('aggregate', { ...viewParams(site, from, to, ['event:goal==Signup']), metrics: 'visitors,conversion_rate' }),
  },
  {
    name: 'funnel (4 steps)',
    filter: null,
    heavy: false,
    targetMs: FUNNEL_TARGET_MS,
    path: (site, from, to) => url('funnel', { ...viewParams(site, from, to, []), funnel: BENCH_FUNNEL.name }),
  },
];

export const DASHBOARD_QUERIES: readonly Query[] = [
  aggregate(null),
  timeseries(null),
  ...PANELS.map((spec) => breakdown(spec, null)),
  ...FILTERED_VIEWS.flatMap((view) => [
    aggregate(view.filter),
    timeseries(view.filter),
    ...view.panels.map((property) => breakdown(panel(property), view.filter)),
  ]),
  ...GOAL_QUERIES,
];

/** A query's name with its view, as the tables show it. */
export const labelOf = (name: string, filter: string | null) => (filter === null ? name : `${filter}: ${name}`);
