/**
 * What the dashboard shows, kept in the URL's query string with the API's parameter names
 * (`period`, `date`, `filters`), so a view can be bookmarked, shared and gone back to.
 * The API key is never part of it.
 */
import { formatFilters, parseFilters, type Filter } from './filters.js';
import type { Period } from './api.js';
import { DEFAULT_PERIOD, PERIOD_OPTIONS, isDay } from './periods.js';

export interface ViewState {
  period: Period;
  /** First and last day, inclusive; only with the custom period. */
  range?: [string, string];
  filters: Filter[];
  /** The prop key the props panel breaks down by. */
  prop?: string;
}

export function readViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const period = PERIOD_OPTIONS.find((option) => option.id === params.get('period'))?.id ?? DEFAULT_PERIOD;
  const state: ViewState = { period, filters: parseFilters(params.get('filters') ?? '') };
  const prop = params.get('prop')?.trim();
  if (prop) state.prop = prop;
  if (period === 'custom') {
    const days = (params.get('date') ?? '').split(',');
    if (days.length === 2 && days.every(isDay) && days[0]! <= days[1]!) state.range = [days[0]!, days[1]!];
    else state.period = DEFAULT_PERIOD;
  }
  return state;
}

export function writeViewState(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.period !== DEFAULT_PERIOD) params.set('period', state.period);
  if (state.period === 'custom' && state.range) params.set('date', state.range.join(','));
  if (state.filters.length > 0) params.set('filters', formatFilters(state.filters));
  if (state.prop) params.set('prop', state.prop);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** The API parameters every stats query of this view shares. */
export function queryParams(site: string, state: ViewState): Record<string, string> {
  const params: Record<string, string> = { site_id: site, period: state.period };
  if (state.period === 'custom' && state.range) params.date = state.range.join(',');
  if (state.filters.length > 0) params.filters = formatFilters(state.filters);
  return params;
}
