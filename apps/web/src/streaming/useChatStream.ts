import { useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import { ChatStreamController, type ChatStreamCallbacks } from './chatStreamController.js';
import type { RealtimeSocket } from './socket.js';
import { useRealtimeSocket } from './SocketContext.js';
import type { StreamError, StreamState } from './streamReducer.js';

export interface ChatStream {
  state: StreamState;
  /**
   * Follow `streamId` (generate it with crypto.randomUUID() and send it in `POST chat/new`);
   * `replay` asks the server to resend what was already emitted (also how a reloaded page follows
   * a session's running answer: `watch(activeStream.streamId, { replay: true })` → afterSeq 0).
   */
  watch: (streamId: string, options?: { replay?: boolean; requestPending?: boolean }) => void;
  /** The request starting `streamId` was answered (see `watch`'s `requestPending`). */
  accepted: (streamId: string) => void;
  /** Emit `chat-stream-cancel`; the answer ends with status `stopped` (or nothing if no token). */
  stop: () => void;
  /** End the watched stream locally as failed (e.g. the POST was rejected). */
  fail: (error: StreamError) => void;
  /** Forget the stream (listeners removed) and go back to idle. */
  reset: () => void;
  /** The current state, read outside render (event handlers, async code). */
  getState: () => StreamState;
}

export interface UseChatStreamOptions extends ChatStreamCallbacks {
  /** Defaults to the <SocketProvider> socket, else the app's single connection; tests pass a fake. */
  socket?: RealtimeSocket;
}

/**
 * One streamed answer at a time: filters events by streamId, drops seqs already applied, asks for a
 * replay after a reconnect that lost state, and holds listeners only while a stream is running and
 * the component is mounted (safe under React.StrictMode's double effects). The functions are
 * stable across renders; only `state` changes.
 */
export function useChatStream(options: UseChatStreamOptions = {}): ChatStream {
  const { socket, onStart, onComplete, onError, onMissing } = options;
  const realtime = useRealtimeSocket(socket);
  const [controller] = useState(() => new ChatStreamController(realtime));

  useLayoutEffect(() => {
    controller.callbacks = { onStart, onComplete, onError, onMissing };
  }, [controller, onStart, onComplete, onError, onMissing]);

  useEffect(() => {
    controller.resume();
    return () => controller.suspend();
  }, [controller]);

  const state = useSyncExternalStore(controller.subscribe, controller.getState, controller.getState);

  const [api] = useState(() => ({
    watch: (streamId: string, options?: { replay?: boolean; requestPending?: boolean }) =>
      controller.watch(streamId, options),
    accepted: (streamId: string) => controller.accepted(streamId),
    stop: () => controller.stop(),
    fail: (error: StreamError) => controller.fail(error),
    reset: () => controller.reset(),
    getState: () => controller.getState(),
  }));

  return { state, ...api };
}
