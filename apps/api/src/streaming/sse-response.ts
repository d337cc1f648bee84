import type { Response } from 'express';
import { openSseWriter, type SseWriter } from '@classchat/service';
import { chatEventToSse, isTerminal } from './events.js';
import type { ChatEventSink } from './registry.js';

/** An SSE comment goes to the client after this long without an event (proxies close idle streams). */
export const SSE_KEEPALIVE_MS = 15_000;

export interface ChatSseResponse {
  /** Opens the response now (status 200, the SSE headers and `headers`); later calls change nothing. */
  open(headers?: Record<string, string>): void;
  /**
   * A stream sink writing each chat event to the response (opening it if need be) and ending it after
   * the terminal event. A client that goes away only loses its copy: the stream itself goes on and is
   * saved.
   */
  sink: ChatEventSink;
}

/** A chat stream as the SSE response `res`, on the services' one SSE writer (keepalives included). */
export function chatSseResponse(res: Response, keepaliveMs = SSE_KEEPALIVE_MS): ChatSseResponse {
  let writer: SseWriter | null = null;
  const open = (headers?: Record<string, string>): SseWriter => {
    writer ??= openSseWriter(res, { keepaliveMs, ...(headers ? { headers } : {}) });
    return writer;
  };
  return {
    open: (headers) => void open(headers),
    sink(event) {
      // Gone, or answered otherwise (a JSON error) before the stream began.
      if (res.destroyed || (!writer && res.headersSent)) return;
      const sse = open();
      if (isTerminal(event)) sse.end(chatEventToSse(event));
      else void sse.send(chatEventToSse(event));
    },
  };
}
