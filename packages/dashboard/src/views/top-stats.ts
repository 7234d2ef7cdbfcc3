/** The top-line numbers, each with its change against the previous period of the same length. */
import type { AggregateResults, Metric } from '../api.js';
import { fill, h } from '../dom.js';
import { formatChange, formatMetric, METRIC_LABELS } from '../format.js';

export const TOP_METRICS: Metric[] = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];

/** `previousEmpty`: the previous period recorded nothing, so there is no change to show. */
export function renderTopStats(section: HTMLElement, results: AggregateResults, previousEmpty: boolean): boolean {
  const list = h('dl', { class: 'stats-grid' });
  fill(section, list);
  fill(
    list,
    ...TOP_METRICS.map((metric) => {
      const result = results[metric];
      const change = formatChange(metric, result?.change, previousEmpty);
      return h(
        'div',
        { class: 'stat', 'data-metric': metric },
        h('dt', {}, METRIC_LABELS[metric]),
        h(
          'dd',
          {},
          h('span', { class: 'stat-value' }, formatMetric(metric, result?.value)),
          change && h('span', { class: `change ${change.tone}`, title: change.label, 'aria-label': change.label }, change.text),
        ),
      );
    }),
  );
  return true;
}
