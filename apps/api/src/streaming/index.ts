import type { Logger } from 'pino';
import type { Realtime } from '../realtime/socket-server.js';
import { emitChatEvent } from './events.js';
import { StreamRegistry } from './registry.js';

export * from './events.js';
export * from './failures.js';
export * from './registry.js';
export * from './relay.js';
export { createStreamObserver } from './observer.js';
export { chatSseResponse, SSE_KEEPALIVE_MS, type ChatSseResponse } from './sse-response.js';

/**
 * The api's stream registry, publishing to each user's Socket.IO room; a socket that comes back with
 * its connection state recovered gets the tokens of the user's running streams again.
 */
export function createStreamRegistry(
  realtime: Pick<Realtime, 'toUser' | 'onConnection'>,
  logger: Logger,
): StreamRegistry {
  const registry = new StreamRegistry(
    (userId, event) => emitChatEvent(realtime.toUser(userId), event),
    (err, stream) => logger.error({ err, streamId: stream.streamId }, 'chat stream sink failed'),
  );
  realtime.onConnection((socket) => {
    if (socket.recovered) registry.replayRunning(socket.data.userId, socket);
  });
  return registry;
}
