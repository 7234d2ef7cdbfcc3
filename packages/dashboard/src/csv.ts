/**
 * The current view as one CSV table (RFC 4180): one row per top-line total, chart bucket and
 * breakdown row, with a column for every metric so a spreadsheet can filter and pivot it.
 */
import type { AggregateResults, BreakdownRow, Metric, TimeseriesRow } from './api.js';
import type { Tab } from './properties.js';
import { NONE, shortName } from './properties.js';

export const CSV_METRICS: Metric[] = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events', 'conversion_rate'];
export const CSV_COLUMNS = ['section', 'property', 'value', ...CSV_METRICS];

type Cell = string | number | null | undefined;

export interface ViewSnapshot {
  aggregate?: AggregateResults;
  timeseries?: TimeseriesRow[];
  breakdowns: Array<{ title: string; tab: Tab; rows: BreakdownRow[] }>;
}

/**
 * Quotes what needs quoting, and defuses cells a spreadsheet would run as a formula: page paths
 * and referrers come from anyone's browser (OWASP "CSV injection").
 */
function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: Cell[][]): string {
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

const metricCells = (source: Partial<Record<string, Cell>>) => CSV_METRICS.map((metric) => source[metric]);

export function snapshotRows(snapshot: ViewSnapshot): Cell[][] {
  const rows: Cell[][] = [CSV_COLUMNS];
  const aggregate = snapshot.aggregate;
  if (aggregate) {
    rows.push(['summary', '', '', ...CSV_METRICS.map((metric) => aggregate[metric]?.value)]);
    if (CSV_METRICS.some((metric) => aggregate[metric]?.change !== undefined)) {
      rows.push(['change vs previous period', '', '', ...CSV_METRICS.map((metric) => aggregate[metric]?.change)]);
    }
  }
  for (const point of snapshot.timeseries ?? []) rows.push(['timeseries', 'date', point.date, ...metricCells(point)]);
  for (const { title, tab, rows: breakdown } of snapshot.breakdowns) {
    const name = shortName(tab.property);
    for (const row of breakdown) rows.push([`${title}: ${tab.label}`, tab.property, row[name] ?? NONE, ...metricCells(row)]);
  }
  return rows;
}
