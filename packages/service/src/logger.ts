import { pino, type Logger } from 'pino';
import SonicBoom from 'sonic-boom';

export interface LoggerOptions {
  /**
   * Write each log line to stdout at once, on the event loop, while stdout accepts it; hold lines
   * only while a pipe or socket stdout is full (its reader is slow or stalled), and retry them then.
   * Every line held reaches stdout when the process exits. Off for one-shot tools.
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
/** While stdout is full, how often the held lines are tried again (a new line also tries). */
export const STDOUT_RETRY_MS = 100;

/**
 * stdout written with one write(2) per line on the event loop: to a file, /dev/null or a pipe with
 * room that costs a few µs, where sonic-boom's async mode hands every line to the thread pool (a
 * worker's wake-up, then the completion's), about twice the CPU per line. A write that would block
 * fails with EAGAIN instead (below), and the lines wait in sonic-boom's buffer, up to `maxLength`,
 * for the retry timer or the next line; beyond it they are dropped and counted on stderr.
 */
function stdoutWithoutBlocking(maxLength: number) {
  // Node makes a pipe or socket stdout non-blocking when it opens process.stdout, so a write to a
  // full one fails with EAGAIN rather than stopping the event loop until the reader catches up.
  const fd = process.stdout.fd;
  let exiting = false;
  const destination = new SonicBoom({
    fd,
    sync: true,
    maxLength,
    // sonic-boom would sleep on the event loop and try again; only at exit is waiting worth it.
    retryEAGAIN: () => exiting,
  });
  let retry: NodeJS.Timeout | undefined;
  const stopWriting = () => {
    // The reader is gone for good: what is logged from now on has nowhere to go.
    destination.write = () => true;
    destination.flushSync = () => undefined;
  };
  destination.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return stopWriting();
    if (err.code !== 'EAGAIN') throw err;
    // An empty write sends what is held, if stdout has room by then.
    retry ??= setTimeout(() => {
      retry = undefined;
      destination.write('');
    }, STDOUT_RETRY_MS).unref();
  });
  process.once('exit', () => {
    exiting = true;
    destination.flushSync();
  });
  reportDrops(destination);
  return destination;
}

/** Counts the bytes a destination drops and says so on stderr, once per burst of drops. */
function reportDrops(destination: SonicBoom) {
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
  return pino(config, stdoutWithoutBlocking(options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES));
}
