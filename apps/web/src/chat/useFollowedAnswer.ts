import type { MessageDto, Route, SessionDetail } from '@classchat/contracts';
import { useCallback, useEffect, useRef, useState, type MutableRefObject } from 'react';
import { isActivePhase } from '../streaming/streamReducer.js';
import { useChatStream, type ChatStream } from '../streaming/useChatStream.js';
import type { AnswerRequest, ChatFailure } from './answerRules.js';
import { lastAnswer } from './messageModel.js';
import { useAnswerEnds } from './useAnswerEnds.js';
import type { ChatView } from './useChatView.js';
import { useMissingAnswer } from './useMissingAnswer.js';

/** The answer followed, as the code around its stream reads it outside render. */
export interface FollowedTurn {
  request: AnswerRequest | null;
  /** The answer's route, once its stream started. */
  route: Route | null;
  /** The chat the answer is written in (null: a new chat the server has not named yet). */
  sessionId: string | null;
  /** Set as soon as an answer is followed, before the stream's state (a render later) shows it. */
  active: boolean;
}

/** What the stream's callbacks may do to the answer followed. */
export interface AnswerStatus {
  turn: FollowedTurn;
  setFailure: (failure: ChatFailure | null) => void;
  setRetryingId: (id: string | null) => void;
}

export type StreamControls = Pick<ChatStream, 'reset' | 'getState' | 'fail'>;

/**
 * The one streamed answer the chat view follows (useChatStream), what its start, end, failure and
 * missing replay do to the chat, its failure, and the answer it replaces while it streams.
 */
export function useFollowedAnswer(view: ChatView, retryLastRef: MutableRefObject<() => void>) {
  const [failure, setFailure] = useState<ChatFailure | null>(null);
  const [retryingId, setRetryingId] = useState<string | null>(null);
  const [turn] = useState<FollowedTurn>(() => ({
    request: null,
    route: null,
    sessionId: null,
    active: false,
  }));
  // Set once the stream hook exists (below); read by onMissing, which the hook itself calls.
  const controlsRef = useRef<StreamControls | null>(null);
  const ends = useAnswerEnds(view, { turn, setFailure, setRetryingId }, retryLastRef);
  const onMissing = useMissingAnswer(view, setRetryingId, controlsRef);
  const stream = useChatStream({ ...ends, onMissing });
  const { watch, reset, getState, fail } = stream;
  useEffect(() => {
    controlsRef.current = { reset, getState, fail };
  }, [reset, getState, fail]);
  const active = isActivePhase(stream.state.phase);
  useEffect(() => {
    turn.active = active;
  });

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
    [begin],
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

  return {
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
  };
}

export type FollowedAnswer = ReturnType<typeof useFollowedAnswer>;
