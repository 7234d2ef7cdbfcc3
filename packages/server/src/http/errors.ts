/** One error shape for the whole API: `{"error": "...", "details": ...}` with the right status. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

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

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.set(error.headers);
      res.status(error.status).json(error.details === undefined ? { error: error.message } : { error: error.message, details: error.details });
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
