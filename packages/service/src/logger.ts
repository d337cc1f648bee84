import { pino, type DestinationStream, type Logger } from 'pino';

export interface LoggerOptions {
  /**
   * Write log lines to stdout asynchronously and in batches: a line waits up to
   * {@link LoggerOptions.flushAfterMs} for the lines after it (or until {@link BATCH_BYTES} wait),
   * and they leave in one write, instead of one write per line: a server logs several lines per
   * request, and each write (a system call, and a thread-pool round trip) costs far more than the
   * line. No timer runs while nothing waits, so an idle server is not woken for its logs. pino
   * flushes what is pending when the process exits. Off for one-shot tools, whose lines interleave
   * with what they print themselves.
   */
  buffered?: boolean;
  /** With `buffered`, the longest a line waits for its batch. Default 100 ms. */
  flushAfterMs?: number;
  /**
   * With `buffered`, the most log output held in memory while stdout is slow or stalled. Lines
   * beyond it are dropped (and counted on stderr) rather than growing the heap without bound: a
   * stuck log reader must not take the server down. Default 16 MiB.
   */
  maxPendingBytes?: number;
}

/** pino's async stdout (a sonic-boom). */
type Destination = ReturnType<typeof pino.destination>;

const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;
const DEFAULT_FLUSH_AFTER_MS = 100;
/** A batch this large leaves at once (below sonic-boom's largest single write, 16 KiB). */
export const BATCH_BYTES = 8 * 1024;

/**
 * Async stdout in batches (see {@link LoggerOptions.buffered}) that drops lines past `maxLength`
 * and says so on stderr, once per burst of drops.
 */
function boundedStdout(maxLength: number): Destination {
  const destination = pino.destination({ dest: 1, sync: false, maxLength, minLength: BATCH_BYTES });
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

/**
 * `destination` with one timer per batch: the first line written after a flush arms it, and it
 * flushes what waits when it fires (sonic-boom's own `periodicFlush` fires forever, and writes even
 * when nothing waits). Lines in between join the batch.
 */
export function flushedAfter(
  destination: Pick<Destination, 'write' | 'flush'>,
  ms: number,
): DestinationStream & Pick<Destination, 'flush'> {
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    destination.flush();
  };
  return {
    write(line: string) {
      const taken = destination.write(line);
      timer ??= setTimeout(flush, ms).unref();
      return taken;
    },
    flush: (cb) => destination.flush(cb),
  };
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
  const destination = boundedStdout(options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES);
  return pino(config, flushedAfter(destination, options.flushAfterMs ?? DEFAULT_FLUSH_AFTER_MS));
}
