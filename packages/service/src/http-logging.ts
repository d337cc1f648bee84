import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp, stdSerializers, type HttpLogger } from 'pino-http';
import { REQUEST_ID_HEADER } from '@classchat/contracts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Request-ID` when it is sane, a fresh UUID otherwise. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What a request line says of the request: its id, method, path and query, and the peer. */
export interface LoggedRequest {
  id: unknown;
  method: string | undefined;
  url: string | undefined;
  remoteAddress: string | undefined;
}

/**
 * The request as every line of its logger carries it. Not its headers: pino-http's default copies
 * them all into the request logger's bindings and every response's headers into the request line
 * (then redacts the credentials among them), which was most of a request line's cost on the chat
 * path; the request id ties a line to the stream lines and to rag's lines of the same request.
 */
export function loggedRequest(req: IncomingMessage & { id?: unknown; originalUrl?: string }): LoggedRequest {
  return {
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    remoteAddress: req.socket?.remoteAddress,
  };
}

const loggedResponse = (res: ServerResponse) => ({ statusCode: res.statusCode });

/** pino-http with request ids carried from the caller and echoed back in `X-Request-ID`; lean request lines. */
export function httpLogging(logger: Logger, options: { quietPaths?: string[] } = {}): HttpLogger {
  const quiet = new Set(options.quietPaths ?? ['/healthz', '/readyz', '/metrics']);
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdOf(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // Unwrapped: pino-std-serializers' wrappers would build the full objects before these run.
    wrapSerializers: false,
    serializers: { req: loggedRequest, res: loggedResponse, err: stdSerializers.err },
    autoLogging: { ignore: (req) => quiet.has((req.url ?? '').split('?')[0] ?? '') },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
