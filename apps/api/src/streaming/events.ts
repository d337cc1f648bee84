import { encodeSse, type ChatSseEvent, type ServerToClientEvents } from '@classchat/contracts';

/**
 * One event of a chat stream as the relay produces it: the contracts' `ChatSseEvent` (the Socket.IO
 * event name as `type`, then the payload's fields). It becomes a Socket.IO event in `emitChatEvent`
 * and an SSE frame in `chatEventToSse`; replay buffers store it as it is.
 */
export type ChatEvent = ChatSseEvent;

export type ChatEventName = ChatEvent['type'];

/** `chat-stream-complete` and `chat-stream-error` end a stream; nothing follows them. */
export const isTerminal = (event: ChatEvent): boolean =>
  event.type === 'chat-stream-complete' || event.type === 'chat-stream-error';

/** Anything with `emit` typed by the contracts: a room (`io.to(userId)`), a socket, a namespace. */
export interface ChatEventTarget {
  emit<E extends keyof ServerToClientEvents>(name: E, ...args: Parameters<ServerToClientEvents[E]>): boolean;
}

/** The one place a chat event becomes a Socket.IO event: `type` is the event name, the rest its payload. */
export function emitChatEvent(target: ChatEventTarget, event: ChatEvent): void {
  switch (event.type) {
    case 'chat-stream-start': {
      const { type, ...payload } = event;
      target.emit(type, payload);
      return;
    }
    case 'chat-stream-token': {
      const { type, ...payload } = event;
      target.emit(type, payload);
      return;
    }
    case 'chat-stream-complete': {
      const { type, ...payload } = event;
      target.emit(type, payload);
      return;
    }
    case 'chat-stream-error': {
      const { type, ...payload } = event;
      target.emit(type, payload);
      return;
    }
  }
}

/** The one place a chat event becomes an SSE frame (`data: {…}\n\n`). */
export function chatEventToSse(event: ChatEvent): string {
  return encodeSse(event);
}
