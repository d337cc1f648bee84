import type { Response } from 'express';
import { encodeSse } from '@classchat/contracts';
import { withKeepalive } from './keepalive.js';

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
  res: Response,
  source: AsyncIterable<unknown>,
  options: SseOptions,
): Promise<void> {
  const { controller } = options;
  const onClose = () => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClose);
  const it = source[Symbol.asyncIterator]();
  try {
    const first = await it.next();
    if (controller.signal.aborted) {
      await it.return?.();
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    if (first.done) {
      res.end();
      return;
    }
    if (!(await write(res, encodeSse(first.value)))) {
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
      if (!(await write(res, encodeSse(event)))) break;
    }
    if (!res.writableEnded && !res.destroyed) res.end();
  } finally {
    res.off('close', onClose);
  }
}

/** Writes one frame; waits for `drain` under backpressure. False when the client is gone. */
function write(res: Response, frame: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (res.write(frame)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok && !res.destroyed);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
