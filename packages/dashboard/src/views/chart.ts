/**
 * Visitors and pageviews over time, drawn by uPlot (about 20 KB gzipped, canvas, no framework).
 * Bucket dates are wall-clock times in the site's time zone; they are drawn as UTC so the axis
 * shows them unchanged whatever the reader's own zone.
 */
import uPlot from 'uplot';
import type { Interval, TimeseriesRow } from '../api.js';
import { formatMetric } from '../format.js';

const HEIGHT = 260;

function seconds(date: string): number {
  return Date.parse(`${date.replace(' ', 'T')}${date.length === 10 ? 'T00:00:00' : ''}Z`) / 1000;
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const LEGEND_DATE: Record<Interval, string> = {
  minute: '{YYYY}-{MM}-{DD} {HH}:{mm}',
  hour: '{YYYY}-{MM}-{DD} {HH}:00',
  day: '{YYYY}-{MM}-{DD}',
  week: 'week of {YYYY}-{MM}-{DD}',
  month: '{MMM} {YYYY}',
};

export class TrafficChart {
  private plot: uPlot | undefined;
  private rows: TimeseriesRow[] = [];
  private previous: TimeseriesRow[] | undefined;
  private interval: Interval = 'day';

  constructor(private readonly container: HTMLElement) {
    new ResizeObserver(() => this.resize()).observe(container);
    // The series colours come from CSS variables; redraw when the system switches light/dark.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.draw());
  }

  show(rows: TimeseriesRow[], interval: Interval): void {
    this.rows = rows;
    this.previous = undefined;
    this.interval = interval;
    this.draw();
  }

  /** Adds the previous period's visitors, bucket by bucket (months of unequal length leave gaps). */
  compare(previous: TimeseriesRow[]): void {
    this.previous = previous;
    this.draw();
  }

  private width(): number {
    return Math.max(this.container.clientWidth, 200);
  }

  private resize(): void {
    if (this.plot && Math.abs(this.plot.width - this.width()) > 1) this.plot.setSize({ width: this.width(), height: HEIGHT });
  }

  private draw(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.container.replaceChildren();
    if (this.rows.length === 0) return;
    const data: uPlot.AlignedData = [
      this.rows.map((row) => seconds(row.date)),
      this.rows.map((row) => row.visitors ?? 0),
      this.rows.map((row) => row.pageviews ?? 0),
      this.rows.map((_, i) => this.previous?.[i]?.visitors ?? null),
    ];
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid'), width: 1 } };
    const count = (_: uPlot, value: number | null) => formatMetric('visitors', value);
    this.plot = new uPlot(
      {
        width: this.width(),
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
        cursor: { points: { size: 8 } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
        axes: [axis, { ...axis, size: 50, values: (_u, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? formatMetric('visitors', tick) : '')) }],
        series: [
          { label: this.interval === 'hour' || this.interval === 'minute' ? 'Time' : 'Date', value: LEGEND_DATE[this.interval] },
          { label: 'Visitors', stroke: cssVar('--chart-visitors'), fill: cssVar('--chart-visitors-fill'), width: 2, value: count },
          { label: 'Pageviews', stroke: cssVar('--chart-pageviews'), width: 2, dash: [6, 4], value: count },
          { label: 'Visitors, previous period', stroke: cssVar('--chart-previous'), width: 1.5, show: this.previous !== undefined, value: count },
        ],
      },
      data,
      this.container,
    );
  }
}
