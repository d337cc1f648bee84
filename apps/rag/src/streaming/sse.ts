import { encodeSse } from '@classchat/contracts';
import { openSseWriter, type SseResponse } from '@classchat/service';

export type { SseResponse } from '@classchat/service';

export interface SseOptions {
  /** Send `keepalive()` after this long without an event. */
  keepaliveMs: number;
  keepalive: () => unknown;
  /** Aborted when the client goes away before the stream ended (pass it to the event source). */
  controller: AbortController;
}

/**
 * An event stream as SSE on an HTTP response, through the services' one SSE writer. The first event
 * is awaited before anything is written, so a source that throws before its first event (validation,
 * rate limits) still gets a normal JSON error status (the rejection propagates to the caller /
 * Express). Then: one `data:` frame per event, written as it comes (under backpressure the next
 * event waits for `drain`), keepalives during silences, and the response ends after the source
 * does (or fails). A client that disconnects aborts `options.controller` at once, which stops the
 * source.
 *
 * Resolves when the stream is over (ended or abandoned).
 */
export async function streamSse(
  res: SseResponse,
  source: AsyncIterable<unknown>,
  options: SseOptions,
): Promise<void> {
  const { controller } = options;
  // Until the writer takes over: a client gone while the first event is prepared.
  const onEarlyClose = () => controller.abort();
  res.once('close', onEarlyClose);
  const it = source[Symbol.asyncIterator]();
  let first: IteratorResult<unknown>;
  try {
    first = await it.next();
  } finally {
    res.off('close', onEarlyClose);
  }
  if (controller.signal.aborted) {
    await it.return?.();
    return;
  }
  const sse = openSseWriter(res, {
    keepaliveMs: options.keepaliveMs,
    keepalive: encodeSse(options.keepalive()),
    onClose: () => controller.abort(),
  });
  try {
    for (let event = first; !event.done; event = await it.next()) {
      if (!(await sse.send(encodeSse(event.value)))) {
        await it.return?.();
        return;
      }
    }
  } catch (err) {
    // A source stopped by the client's going away: nobody is left to tell.
    if (!controller.signal.aborted) throw err;
  } finally {
    sse.end();
  }
}
