import type { Logger } from 'pino';
import { StreamRegistry } from './registry.js';

export * from './events.js';
export * from './failures.js';
export * from './registry.js';
export * from './relay.js';
export { createStreamObserver } from './observer.js';
export { chatSseResponse, SSE_KEEPALIVE_MS, type ChatSseResponse } from './sse-response.js';

/** The api's stream registry; the stream controls attach the replay buffer and the sockets to it. */
export function createStreamRegistry(logger: Logger): StreamRegistry {
  return new StreamRegistry((err, stream) =>
    logger.error({ err, streamId: stream.streamId }, 'chat stream sink failed'),
  );
}
