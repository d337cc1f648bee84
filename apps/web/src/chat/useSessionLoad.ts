import type { SessionDetail } from '@classchat/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { chatApi } from '../api/chat.js';
import { ApiError, errorMessage } from '../api/http.js';
import type { ChatView } from './useChatView.js';
import type { FollowedAnswer } from './useFollowedAnswer.js';

/**
 * The chat named in the URL, read whenever it changes — unless it is the chat this view just
 * created (`adopt`) — with the answer still being written in it followed.
 */
export function useSessionLoad(sessionId: string | null, view: ChatView, answer: FollowedAnswer) {
  const { pageRef } = view;
  const { setMessages, revisions, showRead } = view.shown;
  const { turn, setFailure, followRunning } = answer;
  const { reset } = answer.stream;
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const adoptedRef = useRef<string | null>(null);

  useEffect(() => {
    setFailure(null);
    if (sessionId && adoptedRef.current === sessionId) {
      adoptedRef.current = null;
      return;
    }
    revisions.clear();
    if (turn.active && turn.sessionId !== sessionId) {
      // Leaving a chat mid-answer: the server finishes and saves it; this view stops following.
      reset();
    }
    if (!sessionId) {
      setMessages([]);
      setLoadError(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    setLoadError(null);
    return readSession(
      sessionId,
      (detail) => {
        showRead(detail);
        setLoading(false);
        pageRef.current.onSessionLoaded(detail.session);
        followRunning(detail, sessionId);
      },
      (message) => {
        setMessages([]);
        setLoading(false);
        setLoadError(message);
      },
    );
  }, [sessionId, reset, followRunning, revisions, showRead, setMessages, setFailure, turn, pageRef]);

  /** The chat this view created, now in the URL: it is shown already, so it is not read again. */
  const adopt = useCallback((id: string) => {
    adoptedRef.current = id;
  }, []);

  /** The chat is gone (deleted elsewhere): say so instead of its messages. */
  const showGone = useCallback(
    (message: string) => {
      setMessages([]);
      setLoadError(message);
    },
    [setMessages],
  );

  return { loading, loadError, adopt, showGone };
}

/**
 * Reads the chat `sessionId`, then hands it to `onRead`, or what went wrong to `onFailed` (a chat
 * that is gone says so). Returns the cancel: after it, neither is called.
 */
function readSession(
  sessionId: string,
  onRead: (detail: SessionDetail) => void,
  onFailed: (message: string) => void,
): () => void {
  let cancelled = false;
  chatApi.session(sessionId).then(
    (detail) => !cancelled && onRead(detail),
    (err: unknown) =>
      !cancelled &&
      onFailed(ApiError.is(err) && err.status === 404 ? 'This chat no longer exists.' : errorMessage(err)),
  );
  return () => {
    cancelled = true;
  };
}
