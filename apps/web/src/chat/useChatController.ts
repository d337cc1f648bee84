import type { ChatStreamStartPayload, MessageDto, Route, SessionDto } from '@classchat/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { chatApi } from '../api/chat.js';
import { ApiError, errorMessage } from '../api/http.js';
import { applyToMessages } from '../streaming/applyUserEvent.js';
import { useRealtimeSocket } from '../streaming/SocketContext.js';
import { isActivePhase, type StreamError } from '../streaming/streamReducer.js';
import { useChatStream, type ChatStream } from '../streaming/useChatStream.js';
import { useUserEvents } from '../streaming/useUserEvents.js';
import { useToast } from '../ui/Toasts.js';
import { answerSaved, applyCompletion, lastAnswer, localUserMessage } from './messageModel.js';
import type { Scope } from './ScopePickers.js';
import { useMessageEdits } from './useMessageEdits.js';
import { useShownMessages } from './useShownMessages.js';

export interface ChatFailure {
  message: string;
  retryable: boolean;
}

interface LastRequest {
  text: string;
  retry: boolean;
  accepted: boolean;
  localId: string | null;
}

export interface ChatControllerOptions {
  sessionId: string | null;
  scope: Scope;
  onSessionCreated: (sessionId: string) => void;
  onSessionLoaded: (session: SessionDto) => void;
  /** After every finished or failed answer (refresh usage, the session list). */
  onSettled: () => void;
  onRestoreDraft: (text: string) => void;
}

/**
 * The conversation on screen: loads a session, sends messages and retries through one streamed
 * answer at a time (useChatStream); reactions and version changes are useMessageEdits'.
 */
export function useChatController({
  sessionId,
  scope,
  onSessionCreated,
  onSessionLoaded,
  onSettled,
  onRestoreDraft,
}: ChatControllerOptions) {
  const toast = useToast();
  const socket = useRealtimeSocket();
  const { messages, setMessages, messagesRef, revisions, showRead } = useShownMessages();
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [failure, setFailure] = useState<ChatFailure | null>(null);
  const [retryingId, setRetryingId] = useState<string | null>(null);

  const sessionIdRef = useRef(sessionId);
  const streamSessionRef = useRef<string | null>(null);
  const adoptedSessionRef = useRef<string | null>(null);
  const lastRequestRef = useRef<LastRequest | null>(null);
  const routeRef = useRef<Route | null>(null);
  const retryRef = useRef<() => void>(() => {});
  const optionsRef = useRef({ onSettled, onRestoreDraft, onSessionLoaded });
  useEffect(() => {
    sessionIdRef.current = sessionId;
    optionsRef.current = { onSettled, onRestoreDraft, onSessionLoaded };
  });

  const onStart = useCallback((p: { sessionId: string; route: Route }) => {
    routeRef.current = p.route;
    streamSessionRef.current = p.sessionId;
  }, []);

  const onComplete = useCallback(
    (p: Parameters<typeof applyCompletion>[1]) => {
      setMessages((ms) => applyCompletion(ms, p, routeRef.current));
      setRetryingId(null);
      setFailure(null);
      optionsRef.current.onSettled();
      if (p.repeatOf !== undefined) {
        toast.show({
          tone: 'info',
          message: `Nothing new in your material for this question: a retry would repeat version ${p.repeatOf + 1} word for word, so nothing was added and no chat was counted.`,
        });
      }
    },
    [toast],
  );

  const onError = useCallback(
    (error: StreamError) => {
      const req = lastRequestRef.current;
      setRetryingId(null);
      if (req && !req.accepted && req.localId) {
        // The message never reached the server: take it back out and give the text back.
        const localId = req.localId;
        setMessages((ms) => ms.filter((m) => m.id !== localId));
        if (!req.retry) optionsRef.current.onRestoreDraft(req.text);
      }
      optionsRef.current.onSettled();
      if (error.code === 'cancelled') {
        // Stopped before any token: nothing was saved. Reload in case the server did save something.
        const sid = sessionIdRef.current;
        if (sid) void chatApi.session(sid).then(showRead, () => undefined);
        return;
      }
      const retryable = error.retryable || error.code === 'network_error';
      setFailure({ message: error.message, retryable });
      toast.show({
        tone: 'error',
        message: error.message,
        ...(retryable ? { action: { label: 'Retry', onClick: () => retryRef.current() } } : {}),
      });
    },
    [toast, showRead],
  );

  // Set once the stream hook exists (below); read by onMissing, which the hook itself calls.
  const controlsRef = useRef<Pick<ChatStream, 'reset' | 'getState' | 'fail'> | null>(null);

  /**
   * The followed answer has nothing to replay: it has not started yet (its events will come live),
   * it is over and forgotten, or the server writing it died (its replay died with it). Re-read the
   * chat: if the answer is no longer running, show what was saved instead of waiting for it; if
   * part of it was shown and nothing was saved, say it was interrupted (retryable).
   */
  const onMissing = useCallback(
    (streamId: string) => {
      const sid = sessionIdRef.current;
      if (!sid) return;
      const stillFollowing = () => {
        const state = controlsRef.current?.getState();
        return state?.streamId === streamId && isActivePhase(state.phase);
      };
      chatApi.session(sid).then(
        (detail) => {
          if (!stillFollowing() || sessionIdRef.current !== sid) return;
          if (detail.activeStream?.streamId === streamId) return;
          const shown = controlsRef.current?.getState().lastSeq ?? 0;
          if (shown > 0 && !answerSaved(messagesRef.current, detail.messages)) {
            controlsRef.current?.fail({
              message: 'The answer was interrupted. Please try again.',
              code: 'stream_interrupted',
              retryable: true,
            });
            return;
          }
          controlsRef.current?.reset();
          setRetryingId(null);
          showRead(detail);
          optionsRef.current.onSettled();
        },
        () => undefined,
      );
    },
    [showRead],
  );

  const stream = useChatStream({ onStart, onComplete, onError, onMissing });
  const { watch, accepted: requestAnswered, fail, reset, getState } = stream;
  useEffect(() => {
    controlsRef.current = { reset, getState, fail };
  }, [reset, getState, fail]);
  const stopStream = stream.stop;
  const active = isActivePhase(stream.state.phase);
  const activeRef = useRef(active);
  useEffect(() => {
    activeRef.current = active;
  });

  /**
   * Follow an answer that is being written in the session just loaded (the page was reloaded, or
   * the student came back to this chat mid-answer): the server replays what was already written
   * (afterSeq 0), then live tokens continue; seqs already shown are dropped, so nothing doubles.
   */
  const follow = useCallback(
    (streamId: string, shown: readonly MessageDto[], sid: string) => {
      // A running answer after an answer is a retry of it: hide that one while the new one streams.
      setRetryingId(lastAnswer(shown)?.id ?? null);
      lastRequestRef.current = { text: '', retry: true, accepted: true, localId: null };
      routeRef.current = null;
      streamSessionRef.current = sid;
      activeRef.current = true;
      watch(streamId, { replay: true });
    },
    [watch],
  );

  // Load the session named in the URL (unless it is the one we just created ourselves).
  useEffect(() => {
    setFailure(null);
    if (sessionId && adoptedSessionRef.current === sessionId) {
      adoptedSessionRef.current = null;
      return;
    }
    revisions.clear();
    if (activeRef.current && streamSessionRef.current !== sessionId) {
      // Leaving a chat mid-answer: the server finishes and saves it; this view stops following.
      reset();
    }
    if (!sessionId) {
      setMessages([]);
      setLoadError(null);
      setLoading(false);
      return;
    }
    let cancelled = false;
    setLoading(true);
    setLoadError(null);
    chatApi.session(sessionId).then(
      (detail) => {
        if (cancelled) return;
        showRead(detail);
        setLoading(false);
        optionsRef.current.onSessionLoaded(detail.session);
        const running = detail.activeStream;
        if (running && getState().streamId !== running.streamId)
          follow(running.streamId, detail.messages, sessionId);
      },
      (err: unknown) => {
        if (cancelled) return;
        setMessages([]);
        setLoading(false);
        setLoadError(
          ApiError.is(err) && err.status === 404 ? 'This chat no longer exists.' : errorMessage(err),
        );
      },
    );
    return () => {
      cancelled = true;
    };
  }, [sessionId, reset, follow, getState, revisions, showRead]);

  // Another tab or device of the student: messages saved or changed in this chat appear at once, a
  // deleted chat says so, and after a reconnect that lost events the chat is read again.
  const reload = useCallback(() => {
    const sid = sessionIdRef.current;
    if (!sid || activeRef.current) return;
    chatApi.session(sid).then(
      (detail) => {
        if (sessionIdRef.current !== sid || activeRef.current) return;
        showRead(detail);
        const running = detail.activeStream;
        if (running && getState().streamId !== running.streamId)
          follow(running.streamId, detail.messages, sid);
      },
      () => undefined,
    );
  }, [follow, getState, showRead]);

  useUserEvents({
    onEvent: (event) => {
      const sid = sessionIdRef.current;
      if (event.type === 'message-updated' && event.sessionId === sid) {
        if (!revisions.acceptMessage(event.message.id, event.rev)) return;
        // The answer being streamed here, saved: its stream's completion shows it. The user events
        // can overtake the stream's last events, and shown now it would sit above its own bubble.
        if (
          activeRef.current &&
          streamSessionRef.current === sid &&
          answerSaved(messagesRef.current, [event.message])
        )
          return;
        setMessages((ms) => applyToMessages(ms, event.message));
      } else if (event.type === 'session-deleted' && event.sessionId === sid) {
        reset();
        setRetryingId(null);
        setMessages([]);
        setLoadError('This chat was deleted.');
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
      if (!sid || p.sessionId !== sid || activeRef.current || getState().streamId === p.streamId) return;
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
  }, [socket, follow, getState]);

  const start = useCallback(
    async (text: string, retry: boolean) => {
      if (activeRef.current) return;
      setFailure(null);
      const chatSessionId = sessionIdRef.current;
      const streamId = crypto.randomUUID();
      let localId: string | null = null;
      if (!retry) {
        const local = localUserMessage(text, 0);
        localId = local.id;
        setMessages((ms) => [...ms, { ...local, position: (ms.at(-1)?.position ?? -1) + 1 }]);
      }
      const req: LastRequest = { text, retry, accepted: false, localId };
      lastRequestRef.current = req;
      routeRef.current = null;
      streamSessionRef.current = chatSessionId;
      activeRef.current = true;
      watch(streamId, { requestPending: true });
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
          optionsRef.current.onSettled();
          if (!chatSessionId && stillHere) {
            adoptedSessionRef.current = response.session.id;
            onSessionCreated(response.session.id);
          }
          return;
        }
        const accepted = response;
        requestAnswered(streamId);
        streamSessionRef.current = accepted.chatSessionId;
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
          adoptedSessionRef.current = accepted.chatSessionId;
          onSessionCreated(accepted.chatSessionId);
        }
      } catch (err) {
        const apiErr = ApiError.is(err) ? err : null;
        fail({
          message: errorMessage(err),
          code: apiErr?.code ?? 'internal',
          retryable: apiErr ? apiErr.status === 0 || apiErr.status === 429 || apiErr.status >= 500 : true,
        });
      }
    },
    [scope.classId, scope.docId, watch, requestAnswered, fail, reset, getState, onSessionCreated],
  );

  const send = useCallback((text: string) => void start(text, false), [start]);

  const retry = useCallback(() => {
    if (activeRef.current || !sessionIdRef.current) return;
    setRetryingId(lastAnswer(messages)?.id ?? null);
    void start('', true);
  }, [messages, start]);

  /** Retry after a failure: regenerate if the message reached the server, otherwise send it again. */
  const retryLast = useCallback(() => {
    const req = lastRequestRef.current;
    if (!req || activeRef.current) return;
    if (req.accepted || req.retry) {
      setRetryingId(lastAnswer(messages)?.id ?? null);
      void start('', true);
    } else {
      void start(req.text, false);
    }
  }, [messages, start]);
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
