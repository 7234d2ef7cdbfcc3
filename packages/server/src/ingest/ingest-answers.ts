/**
 * The ingest routes' answers, their headers worked out once: these routes are mounted ahead of
 * helmet and the page routes, and their answers are empty or short JSON errors, for which these
 * headers are the whole policy. A beacon is a no-cors request, so the resource policy decides
 * whether the browser accepts the answer; same-origin would make Chrome block it and log an
 * error on the customer's page.
 */
import type { NextFunction, Response } from 'express';
import { HttpError } from '../http/errors.js';
import type { EventWriter, PendingEvent } from './group-commit.js';

export const INGEST_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** Any page on any origin may send events; it never needs to read the (empty) answer or send credentials. */
export const CORS_HEADERS: Readonly<Record<string, string>> = { ...INGEST_HEADERS, 'Access-Control-Allow-Origin': '*' };

const JSON_TYPE = 'application/json; charset=utf-8';

function sendError(res: Response, error: HttpError, headers: Readonly<Record<string, string>>): void {
  const body = JSON.stringify(error.details === undefined ? { error: error.message } : { error: error.message, details: error.details });
  res
    .writeHead(error.status, { ...headers, ...error.headers, 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(body)) })
    .end(body);
}

/**
 * Answers a request that failed. One that failed before admission is counted against its
 * address now, and an address over its limit is answered 429 whatever else was wrong. Errors
 * that are not the client's (the store failing a site look-up) go on to the app's error handler.
 */
export async function answerFailure(
  writer: EventWriter,
  uncountedAddress: string | undefined,
  error: unknown,
  res: Response,
  next: NextFunction,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  let answer = error;
  if (uncountedAddress !== undefined) {
    const pending: PendingEvent = { request: { address: uncountedAddress } };
    // Counted with the next group; if that cannot be (shutting down, the buffer full), the request's own error stands.
    const counted = await writer.append(pending).then(() => true, () => false);
    const refusal = counted ? pending.verdict?.refusal : undefined;
    if (refusal !== undefined) answer = refusal;
  }
  if (answer instanceof HttpError) {
    sendError(res, answer, headers);
    return;
  }
  res.set(headers);
  next(answer);
}

export function contentJson(body: string, headers: Readonly<Record<string, string>>): Record<string, string> {
  return { ...headers, 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(body)) };
}
