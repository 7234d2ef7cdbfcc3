/**
 * The API's metrics, derived from the store's integer measures. Rounding happens here, once,
 * so every store answers alike: bounce_rate in whole percent, visit_duration in whole seconds,
 * views_per_visit to two decimals (Plausible's conventions).
 */
import type { Metric } from '@sightline/shared';
import type { Measures } from '../store/types.js';

const perVisit = (total: number, visits: number) => (visits === 0 ? 0 : total / visits);

export function metricValue(measures: Measures, metric: Metric): number {
  switch (metric) {
    case 'visitors':
      return measures.visitors;
    case 'visits':
      return measures.visits;
    case 'pageviews':
      return measures.pageviews;
    case 'events':
      // Plausible's definition: every counted event, pageviews included.
      return measures.pageviews + measures.events;
    case 'views_per_visit':
      return Math.round(perVisit(measures.visitPageviews, measures.visits) * 100) / 100;
    case 'bounce_rate':
      return Math.round(perVisit(measures.bounces, measures.visits) * 100);
    case 'visit_duration':
      return Math.round(perVisit(measures.engagementMs, measures.visits) / 1000);
  }
}

const EVENT_METRICS: readonly Metric[] = ['visitors', 'pageviews', 'events'];

/** True when none of the metrics needs visits, so the store may skip them. */
export const eventMetricsOnly = (metrics: readonly Metric[]) => metrics.every((metric) => EVENT_METRICS.includes(metric));

export function metricValues(measures: Measures, metrics: readonly Metric[]): Partial<Record<Metric, number>> {
  const values: Partial<Record<Metric, number>> = {};
  for (const metric of metrics) values[metric] = metricValue(measures, metric);
  return values;
}

/**
 * Change against the previous period: whole percent, or for bounce_rate the difference in
 * points (a percent of a percent misleads). From 0 to something is +100, as in Plausible.
 */
export function change(metric: Metric, current: number, previous: number): number {
  if (metric === 'bounce_rate') return current - previous;
  if (previous === 0) return current === 0 ? 0 : 100;
  return Math.round(((current - previous) / previous) * 100);
}
