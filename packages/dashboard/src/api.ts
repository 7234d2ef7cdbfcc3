/**
 * The public stats API (v1), as the dashboard calls it: the same endpoints and key a curl user
 * has, no private back door. Every failure becomes an ApiError carrying the API's own message.
 */
import type { AggregateResponse, BreakdownResponse, Funnel, FunnelResponse, Interval, Period, StatsMetric, TimeseriesResponse } from '@sightline/shared';
import type { Tab } from './properties.js';
import { queryParams, type ViewState } from './view-state.js';

export type { Funnel, FunnelResponse, Interval, Period };
export type Metric = StatsMetric;
export type AggregateResults = AggregateResponse['results'];
export type TimeseriesRow = TimeseriesResponse['results'][number];
export type BreakdownRow = BreakdownResponse['results'][number];

export class ApiError extends Error {
  constructor(
    /** 0 when the server could not be reached. */
    readonly status: number,
    message: string,
    /** Seconds to wait before asking again, from a 429's Retry-After. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /**
   * Whether the error concerns the whole page rather than one query: the site is unknown, its
   * stats need a key, this address asks too often, or the server cannot be reached. Every
   * section would fail the same way, so the page says it once.
   */
  get concernsPage(): boolean {
    return [0, 401, 403, 404, 429].includes(this.status);
  }
}

interface ErrorBody {
  error?: unknown;
  details?: unknown;
}

/** "invalid query: period: must be one of …", from the API's `{error, details}`. */
function messageOf(status: number, body: ErrorBody | null): string {
  const error = typeof body?.error === 'string' ? body.error : `the server answered ${status}`;
  if (!Array.isArray(body?.details)) return error;
  const details = body.details
    .map((detail: { field?: unknown; message?: unknown }) =>
      typeof detail?.message === 'string' ? (typeof detail.field === 'string' ? `${detail.field}: ${detail.message}` : detail.message) : '',
    )
    .filter(Boolean);
  return details.length > 0 ? `${error}: ${details.join('; ')}` : error;
}

export class StatsApi {
  constructor(
    readonly site: string,
    private readonly key: () => string | null,
  ) {}

  aggregate(state: ViewState, metrics: Metric[], signal?: AbortSignal): Promise<AggregateResults> {
    const params = { ...queryParams(this.site, state), metrics: metrics.join(','), compare: 'previous_period' };
    return this.get<AggregateResponse>('aggregate', params, signal).then((body) => body.results);
  }

  /** `shift` asks for another period than the view's, with the view's filters: the comparison line. */
  timeseries(state: ViewState, metrics: Metric[], interval: Interval, signal?: AbortSignal, shift?: { period: Period; date: string }): Promise<TimeseriesRow[]> {
    const params = { ...queryParams(this.site, state), ...shift, metrics: metrics.join(','), interval };
    return this.get<TimeseriesResponse>('timeseries', params, signal).then((body) => body.results);
  }

  breakdown(state: ViewState, tab: Tab, page: number, limit: number, signal?: AbortSignal): Promise<BreakdownRow[]> {
    const params = {
      ...queryParams(this.site, { ...state, filters: [...state.filters, ...(tab.filters ?? [])] }),
      property: tab.property,
      metrics: tab.metrics.join(','),
      limit: String(limit),
      page: String(page),
    };
    return this.get<BreakdownResponse>('breakdown', params, signal).then((body) => body.results);
  }

  /** Whether the site has recorded anything in the last 12 months: a site that has not shows how to install the script. */
  hasVisitors(signal?: AbortSignal): Promise<boolean> {
    return this.get<AggregateResponse>('aggregate', { site_id: this.site, period: '12mo', metrics: 'visitors' }, signal).then(
      (body) => (body.results.visitors?.value ?? 0) > 0,
    );
  }

  funnels(signal?: AbortSignal): Promise<Funnel[]> {
    return this.get<{ funnels: Funnel[] }>('funnels', { site_id: this.site }, signal).then((body) => body.funnels);
  }

  funnel(state: ViewState, funnel: string, signal?: AbortSignal): Promise<FunnelResponse> {
    return this.get<FunnelResponse>('funnel', { ...queryParams(this.site, state), funnel }, signal);
  }

  realtimeVisitors(signal?: AbortSignal): Promise<number> {
    return this.get<number>('realtime/visitors', { site_id: this.site }, signal);
  }

  private async get<T>(endpoint: string, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
    const key = this.key();
    let response: Response;
    try {
      response = await fetch(`/api/v1/stats/${endpoint}?${new URLSearchParams(params)}`, {
        headers: key ? { Authorization: `Bearer ${key}` } : {},
        // Revalidate every time (ETag, so unchanged answers cost a 304): the browser cache keys by
        // URL alone, and would otherwise answer for a key that was just forgotten or replaced.
        cache: 'no-cache',
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'Cannot reach the Sightline server. Check your connection and reload.');
    }
    const body: unknown = await response.json().catch((error: unknown) => {
      if (signal?.aborted) throw error;
      return null;
    });
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      throw new ApiError(response.status, messageOf(response.status, body as ErrorBody | null), Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    if (body === null) throw new ApiError(response.status, 'The server sent an answer that is not JSON.');
    return body as T;
  }
}

export const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';
