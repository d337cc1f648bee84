import { useCallback } from 'react';
import { chatApi } from '../api/chat.js';
import { applyToMessages } from '../streaming/applyUserEvent.js';
import { useUserEvents } from '../streaming/useUserEvents.js';
import { answerSaved } from './messageModel.js';
import type { ChatView } from './useChatView.js';
import type { FollowedAnswer } from './useFollowedAnswer.js';

/**
 * Another tab or device of the student: messages saved or changed in this chat appear at once, a
 * deleted chat says so (`showGone`), and after a reconnect that lost events the chat is read again.
 */
export function useChatEvents(view: ChatView, answer: FollowedAnswer, showGone: (message: string) => void) {
  const { sessionIdRef } = view;
  const { setMessages, messagesRef, revisions, showRead } = view.shown;
  const { turn, setRetryingId, followRunning } = answer;
  const { reset } = answer.stream;

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
}
