import { pino, type Logger } from 'pino';

export interface LoggerOptions {
  /**
   * Write log lines to stdout asynchronously: lines logged while a write is in flight leave together
   * in the next one, instead of one blocking write per line (a server logs several lines per
   * request). pino flushes what is pending when the process exits. Off for one-shot tools, whose
   * lines interleave with what they print themselves.
   */
  buffered?: boolean;
}

/** Structured JSON logs; secrets and auth material are redacted wherever they appear. */
export function createLogger(level: string, service: string, options: LoggerOptions = {}): Logger {
  const config = {
    level,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-internal-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  return options.buffered ? pino(config, pino.destination({ dest: 1, sync: false })) : pino(config);
}
