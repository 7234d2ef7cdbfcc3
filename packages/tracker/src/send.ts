/** The transport: one JSON body per event, fire and forget. */
import type { WirePayload } from '@sightline/shared';

/**
 * sendBeacon outlives the page, so events sent while navigating away still arrive, and a string
 * body goes out as text/plain, which needs no CORS preflight. fetch with keepalive covers a missing
 * beacon or a refused one (it returns false when the browser's beacon queue is full).
 * Throws only when neither exists or the endpoint is not a URL; the caller catches that.
 */
export function send(endpoint: string, payload: WirePayload): void {
  const body = JSON.stringify(payload);
  navigator.sendBeacon?.(endpoint, body) || fetch(endpoint, { method: 'POST', body, keepalive: true }).catch(() => {});
}
