import type { ChatStreamStartPayload } from '@classchat/contracts';
import { useCallback, useEffect, useRef } from 'react';
import { chatApi } from '../api/chat.js';
import { applyToMessages } from '../streaming/applyUserEvent.js';
import { useRealtimeSocket } from '../streaming/SocketContext.js';
import { isActivePhase } from '../streaming/streamReducer.js';
import { useUserEvents } from '../streaming/useUserEvents.js';
import { sendFailure, type AnswerRequest } from './answerRules.js';
import { answerSaved, lastAnswer, localUserMessage } from './messageModel.js';
import type { Scope } from './ScopePickers.js';
import { useChatView, type ChatPageCallbacks } from './useChatView.js';
import { useFollowedAnswer } from './useFollowedAnswer.js';
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
  const { messages, setMessages, messagesRef, revisions, showRead } = view.shown;
  const retryRef = useRef<() => void>(() => {});
  const answer = useFollowedAnswer(view, retryRef);
  const {
    stream,
    active,
    turn,
    failure,
    setFailure,
    retryingId,
    setRetryingId,
    begin,
    follow,
    followRunning,
  } = answer;
  const { loading, loadError, adopt, showGone } = useSessionLoad(sessionId, view, answer);
  const { watch, accepted: requestAnswered, fail, reset, getState } = stream;
  const stopStream = stream.stop;

  // Another tab or device of the student: messages saved or changed in this chat appear at once, a
  // deleted chat says so, and after a reconnect that lost events the chat is read again.
  const reload = useCallback(() => {
    const sid = sessionIdRef.current;
    if (!sid || turn.active) return;
    chatApi.session(sid).then(
      (detail) => {
        if (sessionIdRef.current !== sid || turn.active) return;
        showRead(detail);
        followRunning(detail, sid);
      },
      () => undefined,
    );
  }, [followRunning, showRead, sessionIdRef, turn]);

  useUserEvents({
    onEvent: (event) => {
      const sid = sessionIdRef.current;
      if (event.type === 'message-updated' && event.sessionId === sid) {
        if (!revisions.acceptMessage(event.message.id, event.rev)) return;
        // The answer being streamed here, saved: its stream's completion shows it. The user events
        // can overtake the stream's last events, and shown now it would sit above its own bubble.
        if (turn.active && turn.sessionId === sid && answerSaved(messagesRef.current, [event.message]))
          return;
        setMessages((ms) => applyToMessages(ms, event.message));
      } else if (event.type === 'session-deleted' && event.sessionId === sid) {
        reset();
        setRetryingId(null);
        showGone('This chat was deleted.');
      }
    },
    onResync: reload,
  });

  // An answer another tab or device started in this chat: follow it live (replayed from its start).
  // A retry in the other tab replaces the shown answer at once, as in that tab: a new question is
  // shown before its answer starts (its event comes first), so an answer shown last is the one
  // being retried. The chat as saved then confirms which one it is.
  useEffect(() => {
    const onStreamStart = (p: ChatStreamStartPayload) => {
      const sid = sessionIdRef.current;
      if (!sid || p.sessionId !== sid || turn.active || getState().streamId === p.streamId) return;
      follow(p.streamId, messagesRef.current, sid);
      chatApi.session(sid).then(
        (detail) => {
          const state = getState();
          if (sessionIdRef.current !== sid || state.streamId !== p.streamId || !isActivePhase(state.phase))
            return;
          setRetryingId(lastAnswer(detail.messages)?.id ?? null);
        },
        () => undefined,
      );
    };
    socket.on('chat-stream-start', onStreamStart);
    return () => {
      socket.off('chat-stream-start', onStreamStart);
    };
  }, [socket, follow, getState, sessionIdRef, messagesRef, setRetryingId, turn]);

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
