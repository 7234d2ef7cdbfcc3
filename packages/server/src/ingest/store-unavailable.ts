/** A write that did not commit must never be acknowledged: the client is told to retry instead. */
import { HttpError, RETRY_AFTER_SECONDS } from '../http/errors.js';
import { BufferFullError, ShuttingDownError } from './write-buffer.js';

export function storeUnavailable(error: unknown): HttpError {
  // A refusal already decided, such as a rate limit's 429, is not the store's failure.
  if (error instanceof HttpError) return error;
  const message = error instanceof ShuttingDownError || error instanceof BufferFullError ? error.message : 'the event store is unavailable; retry later';
  return new HttpError(503, message, undefined, { 'Retry-After': RETRY_AFTER_SECONDS });
}
