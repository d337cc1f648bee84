import type { ChatStreamStartPayload } from '@classchat/contracts';
import { useEffect } from 'react';
import { chatApi } from '../api/chat.js';
import { useRealtimeSocket } from '../streaming/SocketContext.js';
import { isActivePhase } from '../streaming/streamReducer.js';
import { lastAnswer } from './messageModel.js';
import type { ChatView } from './useChatView.js';
import type { FollowedAnswer } from './useFollowedAnswer.js';

/**
 * An answer another tab or device started in this chat: follow it live (replayed from its start).
 * A retry in the other tab replaces the shown answer at once, as in that tab: a new question is
 * shown before its answer starts (its event comes first), so an answer shown last is the one
 * being retried. The chat as saved then confirms which one it is.
 */
export function useOtherTabAnswers(view: ChatView, answer: FollowedAnswer) {
  const socket = useRealtimeSocket();
  const { sessionIdRef } = view;
  const { messagesRef } = view.shown;
  const { turn, setRetryingId, follow } = answer;
  const { getState } = answer.stream;

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
}
