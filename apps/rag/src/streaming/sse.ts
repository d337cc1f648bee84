import { encodeSse } from '@classchat/contracts';
import { withKeepalive } from './keepalive.js';

/** What an SSE stream needs of a response: Node's HTTP/1 `ServerResponse` and HTTP/2 compat response both fit. */
export interface SseResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  flushHeaders?(): void;
  write(chunk: string): boolean;
  end(): unknown;
  readonly writableEnded: boolean;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

export interface SseOptions {
  /** Send `keepalive()` after this long without an event. */
  keepaliveMs: number;
  keepalive: () => unknown;
  /** Aborted when the client goes away before the stream ended (pass it to the event source). */
  controller: AbortController;
}

/**
 * THE place an event stream becomes SSE on an HTTP response. The first event is awaited before
 * anything is written, so a source that throws before its first event (validation, rate limits)
 * still gets a normal JSON error status (the rejection propagates to the caller / Express). Then:
 * `text/event-stream` headers, Nagle off, one `data:` frame per event written (and flushed) as it
 * comes, keepalives during silences, and the response ends after the source does. A client that
 * disconnects aborts `options.controller` and stops the iteration.
 *
 * Resolves when the stream is over (ended or abandoned).
 */
export async function streamSse(
  res: SseResponse,
  source: AsyncIterable<unknown>,
  options: SseOptions,
): Promise<void> {
  const { controller } = options;
  let closed = false;
  let ended = false;
  // Closed before we ended it: the client went away. (`writableFinished` cannot tell: HTTP/2's
  // compat response reports itself finished however its stream closed.)
  const onClose = () => {
    closed = true;
    if (!ended) controller.abort();
  };
  res.once('close', onClose);
  const it = source[Symbol.asyncIterator]();
  try {
    const first = await it.next();
    if (controller.signal.aborted) {
      await it.return?.();
      return;
    }
    // Nagle is off already: Node's HTTP servers set noDelay on every connection.
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders?.();
    if (first.done) {
      ended = true;
      res.end();
      return;
    }
    const write = (frame: string) => writeFrame(res, frame, () => closed);
    if (!(await write(encodeSse(first.value)))) {
      await it.return?.();
      return;
    }
    const rest = withKeepalive(
      { [Symbol.asyncIterator]: () => it },
      options.keepaliveMs,
      options.keepalive,
      () => controller.abort(),
    );
    for await (const event of rest) {
      if (!(await write(encodeSse(event)))) break;
    }
    if (!res.writableEnded && !closed) {
      ended = true;
      res.end();
    }
  } finally {
    res.off('close', onClose);
  }
}

/** Writes one frame; waits for `drain` under backpressure. False when the client is gone. */
function writeFrame(res: SseResponse, frame: string, closed: () => boolean): Promise<boolean> {
  if (closed() || res.writableEnded) return Promise.resolve(false);
  if (res.write(frame)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok && !closed());
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
