import { pino, type Logger } from 'pino';

export interface LoggerOptions {
  /**
   * Write log lines to stdout asynchronously: lines logged while a write is in flight leave together
   * in the next one, instead of one blocking write per line (a server logs several lines per
   * request). pino flushes what is pending when the process exits. Off for one-shot tools, whose
   * lines interleave with what they print themselves.
   */
  buffered?: boolean;
  /**
   * With `buffered`, the most log output held in memory while stdout is slow or stalled. Lines
   * beyond it are dropped (and counted on stderr) rather than growing the heap without bound: a
   * stuck log reader must not take the server down. Default 16 MiB.
   */
  maxPendingBytes?: number;
}

const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** Async stdout that drops lines past `maxLength` and says so on stderr, once per burst of drops. */
function boundedStdout(maxLength: number) {
  const destination = pino.destination({ dest: 1, sync: false, maxLength });
  let dropped = 0;
  destination.on('drop', (data: string | Buffer) => {
    if (dropped === 0) {
      setImmediate(() => {
        process.stderr.write(`logger: stdout is not keeping up; dropped ${dropped} bytes of log lines\n`);
        dropped = 0;
      });
    }
    dropped += data.length;
  });
  return destination;
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
  if (!options.buffered) return pino(config);
  return pino(config, boundedStdout(options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES));
}
