/** One error shape for the whole API: `{"error": "...", "details": ...}` with the right status. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { InvalidQuery, NotAuthenticated, NotPermitted, UnknownSite } from '../domain-errors.js';
import { QueryTimeoutError, StoreError } from '../store/types.js';

/** Long enough for a restart or a failover to finish, short enough that a beacon retry still matters. */
export const RETRY_AFTER_SECONDS = '5';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Errors raised by Express's body parsers carry a status and a machine-readable type. */
interface ParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

const PARSER_MESSAGES: Record<string, string> = {
  'entity.too.large': 'request body is too large',
  'entity.parse.failed': 'request body is not valid JSON',
  'encoding.unsupported': 'unsupported content encoding',
  'charset.unsupported': 'unsupported charset',
  'request.aborted': 'request was aborted',
  'request.size.invalid': 'request body size did not match Content-Length',
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no route for ${req.method} ${req.path}`));
};

/** The domain's errors in HTTP terms; anything else passes through unchanged. */
function asHttpError(error: unknown): unknown {
  if (error instanceof InvalidQuery) return new HttpError(400, error.message);
  if (error instanceof UnknownSite) return new HttpError(404, error.message);
  if (error instanceof NotAuthenticated) return new HttpError(401, error.message, undefined, { 'WWW-Authenticate': 'Bearer' });
  if (error instanceof NotPermitted) return new HttpError(403, error.message);
  return error;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown: unknown, _req, res, _next) => {
    const error = asHttpError(thrown);
    if (error instanceof HttpError) {
      res.set(error.headers);
      res.status(error.status).json(error.details === undefined ? { error: error.message } : { error: error.message, details: error.details });
      return;
    }
    // Checked before StoreError, its parent: the store is fine, this query asked too much of it.
    if (error instanceof QueryTimeoutError) {
      logger.warn({ err: error }, 'stats read past its deadline');
      res.set('Retry-After', RETRY_AFTER_SECONDS).status(503).json({
        error: `the query was too expensive to answer within ${error.timeoutMs / 1000} s: narrow it with a shorter period or fewer filters`,
      });
      return;
    }
    // Any request that reaches the store while it is down (a site look-up, a stats read) may retry.
    if (error instanceof StoreError) {
      logger.warn({ err: error }, 'store unavailable');
      res.set('Retry-After', RETRY_AFTER_SECONDS).status(503).json({ error: 'the event store is unavailable; retry later' });
      return;
    }
    const parserError = error as ParserError;
    const status = parserError?.status ?? parserError?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500 && parserError.expose !== false) {
      res.status(status).json({ error: PARSER_MESSAGES[parserError.type ?? ''] ?? 'bad request' });
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  };
}
