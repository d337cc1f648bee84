import type { MessageDto, SessionDetail } from '@classchat/contracts';
import { useCallback } from 'react';
import type { ChatStream } from '../streaming/useChatStream.js';
import type { AnswerRequest } from './answerRules.js';
import { lastAnswer } from './messageModel.js';
import type { FollowedTurn } from './useFollowedAnswer.js';

/** Starting to follow an answer on the stream, and recording in `turn` which answer it is. */
export function useFollowing(
  turn: FollowedTurn,
  { watch, getState }: Pick<ChatStream, 'watch' | 'getState'>,
  setRetryingId: (id: string | null) => void,
) {
  /** Follow `streamId`, the answer to `request` written in chat `sessionId`. */
  const begin = useCallback(
    (
      streamId: string,
      request: AnswerRequest,
      sessionId: string | null,
      options: Parameters<typeof watch>[1],
    ) => {
      turn.request = request;
      turn.route = null;
      turn.sessionId = sessionId;
      turn.active = true;
      watch(streamId, options);
    },
    [turn, watch],
  );

  /**
   * Follow an answer this view did not ask for (the page was reloaded mid-answer, or another tab
   * asked it): the server replays what was already written (afterSeq 0), then live tokens continue;
   * seqs already shown are dropped, so nothing doubles.
   */
  const follow = useCallback(
    (streamId: string, shown: readonly MessageDto[], sessionId: string) => {
      // A running answer after an answer is a retry of it: hide that one while the new one streams.
      setRetryingId(lastAnswer(shown)?.id ?? null);
      begin(streamId, { text: '', retry: true, accepted: true, localId: null }, sessionId, { replay: true });
    },
    [begin, setRetryingId],
  );

  /** Follow the answer a read of chat `sessionId` names as being written, unless it is followed. */
  const followRunning = useCallback(
    (detail: Pick<SessionDetail, 'activeStream' | 'messages'>, sessionId: string) => {
      const running = detail.activeStream;
      if (running && getState().streamId !== running.streamId)
        follow(running.streamId, detail.messages, sessionId);
    },
    [getState, follow],
  );

  return { begin, follow, followRunning };
}
