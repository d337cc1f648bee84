import { pino, type Logger } from 'pino';

export interface LoggerOptions {
  /**
   * Write log lines to stdout asynchronously and in batches: lines are held until
   * {@link LoggerOptions.flushEveryMs} has passed or {@link BATCH_BYTES} are waiting, then leave in
   * one write, instead of one write per line (a server logs several lines per request, and each
   * write is a system call that costs far more than the line). pino flushes what is pending when
   * the process exits. Off for one-shot tools, whose lines interleave with what they print themselves.
   */
  buffered?: boolean;
  /** With `buffered`, the longest a line waits for its batch. Default 100 ms. */
  flushEveryMs?: number;
  /**
   * With `buffered`, the most log output held in memory while stdout is slow or stalled. Lines
   * beyond it are dropped (and counted on stderr) rather than growing the heap without bound: a
   * stuck log reader must not take the server down. Default 16 MiB.
   */
  maxPendingBytes?: number;
}

const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;
const DEFAULT_FLUSH_EVERY_MS = 100;
/** A batch this large leaves at once (below sonic-boom's largest single write, 16 KiB). */
export const BATCH_BYTES = 8 * 1024;

/**
 * Async stdout in batches (see {@link LoggerOptions.buffered}) that drops lines past `maxLength`
 * and says so on stderr, once per burst of drops.
 */
function boundedStdout(maxLength: number, flushEveryMs: number) {
  const destination = pino.destination({
    dest: 1,
    sync: false,
    maxLength,
    minLength: BATCH_BYTES,
    periodicFlush: flushEveryMs,
  });
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
  return pino(
    config,
    boundedStdout(
      options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES,
      options.flushEveryMs ?? DEFAULT_FLUSH_EVERY_MS,
    ),
  );
}
