import type { Response } from 'express';
import { chatEventToSse, isTerminal } from './events.js';
import type { ChatEventSink } from './registry.js';

/** Turns `res` into an SSE response (status 200, no buffering anywhere) and sends the headers now. */
export function openSseResponse(res: Response, headers: Record<string, string> = {}): void {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-accel-buffering', 'no');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.flushHeaders();
}

/**
 * A stream sink writing each chat event to an SSE response and ending it after the terminal event.
 * A client that goes away only loses its copy: the stream itself goes on and is saved.
 */
export function sseResponseSink(res: Response): ChatEventSink {
  return (event) => {
    if (res.writableEnded || res.destroyed) return;
    if (!res.headersSent) openSseResponse(res);
    res.write(chatEventToSse(event));
    if (isTerminal(event)) res.end();
  };
}
