import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '@classchat/contracts';

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Turn body-parser's own errors into the product's codes. */
function fromBodyParser(err: BodyParserError): AppError | null {
  if (err.type === 'entity.too.large') return new AppError('payload_too_large', 'Request body too large');
  if (err.type === 'entity.parse.failed')
    return new AppError('invalid_input', 'Request body is not valid JSON');
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new AppError('unsupported_type', 'Unsupported request encoding');
  }
  return null;
}

/**
 * The error to answer `err` with: an `AppError` as it is (or `known`, what the caller recognised it
 * as); anything else is logged and answered as `internal`.
 */
export function errorToAnswer(
  err: unknown,
  log: Pick<Logger, 'error'>,
  known: AppError | null = AppError.is(err) ? err : null,
): AppError {
  if (known) return known;
  log.error({ err }, 'unhandled error');
  return new AppError('internal', 'Something went wrong on our side. Please try again.');
}

/** The one place errors become `{message, code}` with their status; unexpected ones are logged as 500. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = AppError.is(err) ? err : fromBodyParser(err as BodyParserError);
    const error = errorToAnswer(err, req.log ?? logger, known);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(error.status).json(error.toBody());
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
};
