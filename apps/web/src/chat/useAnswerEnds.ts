import type { ChatStreamCompletePayload, ChatStreamStartPayload } from '@classchat/contracts';
import { useCallback, type MutableRefObject } from 'react';
import { chatApi } from '../api/chat.js';
import type { StreamError } from '../streaming/streamReducer.js';
import { useToast } from '../ui/Toasts.js';
import { chatFailure, repeatNotice } from './answerRules.js';
import { applyCompletion } from './messageModel.js';
import type { ChatView } from './useChatView.js';
import type { AnswerStatus } from './useFollowedAnswer.js';

/** What the followed answer's start, completion and failure do to the chat shown. */
export function useAnswerEnds(
  { sessionIdRef, pageRef, shown: { setMessages, showRead } }: ChatView,
  { turn, setFailure, setRetryingId }: AnswerStatus,
  retryLastRef: MutableRefObject<() => void>,
) {
  const toast = useToast();

  const onStart = useCallback(
    (p: ChatStreamStartPayload) => {
      turn.route = p.route;
      turn.sessionId = p.sessionId;
    },
    [turn],
  );

  const onComplete = useCallback(
    (p: ChatStreamCompletePayload) => {
      setMessages((ms) => applyCompletion(ms, p, turn.route));
      setRetryingId(null);
      setFailure(null);
      pageRef.current.onSettled();
      if (p.repeatOf !== undefined) toast.show({ tone: 'info', message: repeatNotice(p.repeatOf) });
    },
    [toast, turn, setMessages, setRetryingId, setFailure, pageRef],
  );

  const onError = useCallback(
    (error: StreamError) => {
      const req = turn.request;
      setRetryingId(null);
      if (req && !req.accepted && req.localId) {
        // The message never reached the server: take it back out and give the text back.
        const localId = req.localId;
        setMessages((ms) => ms.filter((m) => m.id !== localId));
        if (!req.retry) pageRef.current.onRestoreDraft(req.text);
      }
      pageRef.current.onSettled();
      if (error.code === 'cancelled') {
        // Stopped before any token: nothing was saved. Reload in case the server did save something.
        const sid = sessionIdRef.current;
        if (sid) void chatApi.session(sid).then(showRead, () => undefined);
        return;
      }
      const failure = chatFailure(error);
      setFailure(failure);
      toast.show({
        tone: 'error',
        message: failure.message,
        ...(failure.retryable ? { action: { label: 'Retry', onClick: () => retryLastRef.current() } } : {}),
      });
    },
    [toast, turn, setMessages, setRetryingId, setFailure, showRead, sessionIdRef, pageRef, retryLastRef],
  );

  return { onStart, onComplete, onError };
}
