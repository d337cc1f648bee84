import { watchSilence } from './silence-watch.js';

/**
 * What an SSE stream needs of a response: Node's HTTP/1 `ServerResponse` (Express's included) and
 * the HTTP/2 compat response both fit.
 */
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

/** An SSE comment: every reader skips it, and it keeps proxies and idle timers from closing the stream. */
export const SSE_COMMENT_KEEPALIVE = ': keepalive\n\n';

export interface SseWriterOptions {
  /** A keepalive goes out after this long without a frame. */
  keepaliveMs: number;
  /** The keepalive frame (default {@link SSE_COMMENT_KEEPALIVE}; a service whose reader counts events sends an event). */
  keepalive?: string;
  /** Extra response headers (sent with the SSE ones, now). */
  headers?: Record<string, string>;
  /** The client went away before the stream was ended. */
  onClose?: () => void;
}

export interface SseWriter {
  /**
   * Writes one frame now (frames written in the same tick leave in one socket write). Resolves true
   * once the response takes more (at once, or after `drain` under backpressure), false when the
   * client is gone.
   */
  send(frame: string): Promise<boolean>;
  /** Sends `frame` if given, then ends the response. */
  end(frame?: string): void;
  /** The stream is over: ended, or the client went away. */
  readonly closed: boolean;
}

/**
 * THE SSE writer of every service: status 200 and the `text/event-stream` headers (no caching, no
 * proxy buffering) sent at once, frames written as they come, and one silence watch, re-armed by
 * every frame, that writes `keepalive` after `keepaliveMs` of silence (not while the client is
 * still draining what it was sent). The watch stops when the stream ends or the client goes away.
 */
export function openSseWriter(res: SseResponse, options: SseWriterOptions): SseWriter {
  sendSseHeaders(res, options.headers ?? {});
  const keepalive = options.keepalive ?? SSE_COMMENT_KEEPALIVE;
  let closed = false;
  /** The response said "no more for now": no keepalive until it has drained. */
  let draining = false;
  const write = (frame: string): boolean => {
    if (res.write(frame)) return true;
    draining = true;
    res.once('drain', () => {
      draining = false;
    });
    return false;
  };
  const silence = watchSilence(options.keepaliveMs, () => {
    if (!closed && !draining) write(keepalive);
    silence.heard();
  });
  const finish = () => {
    closed = true;
    silence.stop();
    res.off('close', onClose);
  };
  const onClose = () => {
    if (closed) return;
    finish();
    options.onClose?.();
  };
  res.once('close', onClose);

  return {
    get closed() {
      return closed || res.writableEnded;
    },
    send(frame) {
      if (this.closed) return Promise.resolve(false);
      silence.heard();
      if (write(frame)) return Promise.resolve(true);
      return drainedOrClosed(res, () => closed);
    },
    end(frame) {
      if (this.closed) return;
      if (frame !== undefined) res.write(frame);
      finish();
      res.end();
    },
  };
}

/** Status 200 and the SSE headers (no caching, no proxy buffering) with `headers`, sent now. */
function sendSseHeaders(res: SseResponse, headers: Record<string, string>): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  // Nagle is off already: Node's HTTP servers set noDelay on every connection.
  res.flushHeaders?.();
}

/** True at the response's next `drain` unless the stream is closed by then; false when it closes first. */
function drainedOrClosed(res: SseResponse, isClosed: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onGone);
      resolve(ok && !isClosed());
    };
    const onDrain = settle(true);
    const onGone = settle(false);
    res.once('drain', onDrain);
    res.once('close', onGone);
  });
}
