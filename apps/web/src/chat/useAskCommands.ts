import { useCallback, useEffect, type MutableRefObject } from 'react';
import { chatApi } from '../api/chat.js';
import { useRealtimeSocket } from '../streaming/SocketContext.js';
import { lastAnswer } from './messageModel.js';
import type { ChatView } from './useChatView.js';
import type { FollowedAnswer } from './useFollowedAnswer.js';

/**
 * What the student's buttons do with `ask`: send, retry the last answer, retry after a failure
 * (also what `retryLastRef` runs, from the failure's toast), and stop the answer being written.
 */
export function useAskCommands(
  ask: (text: string, retry: boolean) => Promise<void>,
  view: ChatView,
  answer: FollowedAnswer,
  retryLastRef: MutableRefObject<() => void>,
) {
  const socket = useRealtimeSocket();
  const { sessionIdRef } = view;
  const { messages } = view.shown;
  const { turn, setRetryingId } = answer;
  const { getState, stop: stopStream } = answer.stream;

  const send = useCallback((text: string) => void ask(text, false), [ask]);

  const retry = useCallback(() => {
    if (turn.active || !sessionIdRef.current) return;
    setRetryingId(lastAnswer(messages)?.id ?? null);
    void ask('', true);
  }, [messages, ask, turn, sessionIdRef, setRetryingId]);

  /** Retry after a failure: regenerate if the message reached the server, otherwise send it again. */
  const retryLast = useCallback(() => {
    const req = turn.request;
    if (!req || turn.active) return;
    if (req.accepted || req.retry) {
      setRetryingId(lastAnswer(messages)?.id ?? null);
      void ask('', true);
    } else {
      void ask(req.text, false);
    }
  }, [messages, ask, turn, setRetryingId]);
  useEffect(() => {
    retryLastRef.current = retryLast;
  });

  const stop = useCallback(() => {
    const streamId = getState().streamId;
    stopStream();
    if (streamId && !socket.connected) void chatApi.cancel(streamId).catch(() => undefined);
  }, [getState, stopStream, socket]);

  return { send, retry, retryLast, stop };
}
