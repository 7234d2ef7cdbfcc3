/**
 * The API's metrics, derived from the store's integer measures. Rounding happens here, once,
 * so every store answers alike: bounce_rate in whole percent, visit_duration in whole seconds,
 * views_per_visit to two decimals (Plausible's conventions).
 */
import type { Metric, StatsMetric } from '@sightline/shared';
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

/** Plausible's conversion rate: converted visitors over all visitors, a percentage with one decimal. */
export const conversionRate = (converted: number, total: number) => (total === 0 ? 0 : Math.round((converted / total) * 1000) / 10);

/** The metrics the store counts for a query: conversion_rate needs visitors. */
export function countedMetrics(metrics: readonly StatsMetric[]): Metric[] {
  const counted = metrics.filter((metric): metric is Metric => metric !== 'conversion_rate');
  return metrics.includes('conversion_rate') && !counted.includes('visitors') ? ['visitors', ...counted] : counted;
}

/** A query's metrics from the measures, conversion_rate against `total` visitors (without the goal filter). */
export function statsMetricValues(measures: Measures, metrics: readonly StatsMetric[], total?: number): Partial<Record<StatsMetric, number>> {
  const values: Partial<Record<StatsMetric, number>> = {};
  for (const metric of metrics) {
    values[metric] = metric === 'conversion_rate' ? conversionRate(measures.visitors, total ?? 0) : metricValue(measures, metric);
  }
  return values;
}

/**
 * Change against the previous period: whole percent, or for bounce_rate and conversion_rate the
 * difference in points (a percent of a percent misleads). From 0 to something is +100, as in Plausible.
 */
export function change(metric: StatsMetric, current: number, previous: number): number {
  if (metric === 'bounce_rate') return current - previous;
  if (metric === 'conversion_rate') return Math.round((current - previous) * 10) / 10;
  if (previous === 0) return current === 0 ? 0 : 100;
  return Math.round(((current - previous) / previous) * 100);
}
