import { useCallback, useEffect, useRef } from 'react';
import { chatApi } from '../api/chat.js';
import { useRealtimeSocket } from '../streaming/SocketContext.js';
import { sendFailure, type AnswerRequest } from './answerRules.js';
import { lastAnswer, localUserMessage } from './messageModel.js';
import type { Scope } from './ScopePickers.js';
import { useChatEvents } from './useChatEvents.js';
import { useChatView, type ChatPageCallbacks } from './useChatView.js';
import { useFollowedAnswer } from './useFollowedAnswer.js';
import { useOtherTabAnswers } from './useOtherTabAnswers.js';
import { useSessionLoad } from './useSessionLoad.js';
import { useMessageEdits } from './useMessageEdits.js';

export type { ChatFailure } from './answerRules.js';

export interface ChatControllerOptions extends ChatPageCallbacks {
  sessionId: string | null;
  scope: Scope;
}

/**
 * The conversation on screen: loads a session, sends messages and retries through one streamed
 * answer at a time (useFollowedAnswer); reactions and version changes are useMessageEdits'.
 */
export function useChatController({ sessionId, scope, ...page }: ChatControllerOptions) {
  const socket = useRealtimeSocket();
  const view = useChatView(sessionId, page);
  const { sessionIdRef, pageRef } = view;
  const { messages, setMessages } = view.shown;
  const retryRef = useRef<() => void>(() => {});
  const answer = useFollowedAnswer(view, retryRef);
  const { stream, active, turn, failure, setFailure, retryingId, setRetryingId, begin } = answer;
  const { loading, loadError, adopt, showGone } = useSessionLoad(sessionId, view, answer);
  const { watch, accepted: requestAnswered, fail, reset, getState } = stream;
  const stopStream = stream.stop;

  useChatEvents(view, answer, showGone);
  useOtherTabAnswers(view, answer);

  const start = useCallback(
    async (text: string, retry: boolean) => {
      if (turn.active) return;
      setFailure(null);
      const chatSessionId = sessionIdRef.current;
      const streamId = crypto.randomUUID();
      let localId: string | null = null;
      if (!retry) {
        const local = localUserMessage(text, 0);
        localId = local.id;
        setMessages((ms) => [...ms, { ...local, position: (ms.at(-1)?.position ?? -1) + 1 }]);
      }
      const req: AnswerRequest = { text, retry, accepted: false, localId };
      begin(streamId, req, chatSessionId, { requestPending: true });
      try {
        const response = await chatApi.send({
          message: text,
          classId: scope.classId,
          docId: scope.docId,
          chatSessionId,
          streamId,
          retry,
        });
        req.accepted = true;
        if ('session' in response) {
          // Streaming is turned off on the server: the answer came back whole, with its chat.
          if (getState().streamId !== streamId) return; // the student moved on; the answer is saved
          const stillHere = sessionIdRef.current === null;
          reset();
          setRetryingId(null);
          setMessages(response.messages);
          pageRef.current.onSettled();
          if (!chatSessionId && stillHere) {
            adopt(response.session.id);
            pageRef.current.onSessionCreated(response.session.id);
          }
          return;
        }
        const accepted = response;
        requestAnswered(streamId);
        turn.sessionId = accepted.chatSessionId;
        if (localId && accepted.userMessageId) {
          const savedId = accepted.userMessageId;
          setMessages((ms) => ms.map((m) => (m.id === localId ? { ...m, id: savedId } : m)));
        }
        if (accepted.streamId !== streamId && getState().streamId === streamId) {
          watch(accepted.streamId, { replay: true });
        }
        // Show the new chat's URL, unless the student has meanwhile moved to another chat.
        const stillHere = sessionIdRef.current === null && getState().streamId === accepted.streamId;
        if (!chatSessionId && stillHere) {
          adopt(accepted.chatSessionId);
          pageRef.current.onSessionCreated(accepted.chatSessionId);
        }
      } catch (err) {
        fail(sendFailure(err));
      }
    },
    [
      scope.classId,
      scope.docId,
      watch,
      begin,
      requestAnswered,
      fail,
      reset,
      getState,
      turn,
      sessionIdRef,
      pageRef,
      setFailure,
      setMessages,
      setRetryingId,
      adopt,
    ],
  );

  const send = useCallback((text: string) => void start(text, false), [start]);

  const retry = useCallback(() => {
    if (turn.active || !sessionIdRef.current) return;
    setRetryingId(lastAnswer(messages)?.id ?? null);
    void start('', true);
  }, [messages, start, turn, sessionIdRef, setRetryingId]);

  /** Retry after a failure: regenerate if the message reached the server, otherwise send it again. */
  const retryLast = useCallback(() => {
    const req = turn.request;
    if (!req || turn.active) return;
    if (req.accepted || req.retry) {
      setRetryingId(lastAnswer(messages)?.id ?? null);
      void start('', true);
    } else {
      void start(req.text, false);
    }
  }, [messages, start, turn, setRetryingId]);
  useEffect(() => {
    retryRef.current = retryLast;
  });

  const stop = useCallback(() => {
    const streamId = getState().streamId;
    stopStream();
    if (streamId && !socket.connected) void chatApi.cancel(streamId).catch(() => undefined);
  }, [getState, stopStream, socket]);

  const { react, setVersion } = useMessageEdits(sessionIdRef, setMessages);

  return {
    messages,
    loading,
    loadError,
    failure,
    retryingId,
    stream: stream.state,
    active,
    send,
    retry,
    retryLast,
    stop,
    react,
    setVersion,
  };
}
