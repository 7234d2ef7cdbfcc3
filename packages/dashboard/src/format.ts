/** How numbers read on the page: counts with separators, rates in percent, durations in m and s. */
import type { Metric } from './api.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const METRIC_LABELS: Record<Metric, string> = {
  visitors: 'Unique visitors',
  visits: 'Total visits',
  pageviews: 'Total pageviews',
  views_per_visit: 'Views per visit',
  bounce_rate: 'Bounce rate',
  visit_duration: 'Visit duration',
  events: 'Total events',
  conversion_rate: 'Conversion rate',
};

/** Short column headings for breakdown tables. */
export const METRIC_COLUMNS: Record<Metric, string> = {
  visitors: 'Visitors',
  visits: 'Visits',
  pageviews: 'Pageviews',
  views_per_visit: 'Views/visit',
  bounce_rate: 'Bounce',
  visit_duration: 'Duration',
  events: 'Events',
  conversion_rate: 'CR',
};

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatMetric(metric: Metric, value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  switch (metric) {
    case 'bounce_rate':
      return `${integer.format(value)}%`;
    case 'conversion_rate':
      return `${value.toFixed(1)}%`;
    case 'visit_duration':
      return formatDuration(value);
    case 'views_per_visit':
      return decimal.format(value);
    default:
      return integer.format(value);
  }
}

export interface Change {
  text: string;
  /** Read aloud and shown on hover: "up 12% from the previous period". */
  label: string;
  tone: 'good' | 'bad' | 'flat';
}

/** Counts that can be new; rates and averages of an empty period have nothing to compare with. */
const COUNTS: ReadonlySet<Metric> = new Set(['visitors', 'visits', 'pageviews', 'events']);

/**
 * Bounce rate's change is in points and falling is good; for every other metric rising is good.
 * Against an empty previous period there is no change to give: a count is "new", the rest "—".
 */
export function formatChange(metric: Metric, change: number | null | undefined, previousEmpty = false): Change | null {
  if (previousEmpty) {
    return COUNTS.has(metric)
      ? { text: 'new', label: 'nothing in the previous period to compare with', tone: 'flat' }
      : { text: '—', label: 'nothing in the previous period to compare with', tone: 'flat' };
  }
  if (change === undefined || change === null) return null;
  const unit = metric === 'bounce_rate' ? ' pt' : '%';
  const size = `${integer.format(Math.abs(change))}${unit}`;
  if (change === 0) return { text: `0${unit}`, label: 'no change from the previous period', tone: 'flat' };
  const up = change > 0;
  const good = metric === 'bounce_rate' ? !up : up;
  return {
    text: `${up ? '↑' : '↓'} ${size}`,
    label: `${up ? 'up' : 'down'} ${size} from the previous period`,
    tone: good ? 'good' : 'bad',
  };
}

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' });
  } catch {
    return null;
  }
})();

/** "Germany" for DE; the code itself when the browser does not know it. */
export function countryName(code: string): string {
  try {
    return regionNames?.of(code) ?? code;
  } catch {
    return code;
  }
}
