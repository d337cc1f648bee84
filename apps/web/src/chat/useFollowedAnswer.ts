import type { Route } from '@classchat/contracts';
import { useEffect, useRef, useState, type MutableRefObject } from 'react';
import { isActivePhase } from '../streaming/streamReducer.js';
import { useChatStream, type ChatStream } from '../streaming/useChatStream.js';
import type { AnswerRequest, ChatFailure } from './answerRules.js';
import { useAnswerEnds } from './useAnswerEnds.js';
import type { ChatView } from './useChatView.js';
import { useFollowing } from './useFollowing.js';
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
 * The one streamed answer the chat view follows (useChatStream): what its start, end, failure and
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
  const { reset, getState, fail } = stream;
  useEffect(() => {
    controlsRef.current = { reset, getState, fail };
  }, [reset, getState, fail]);
  const active = isActivePhase(stream.state.phase);
  useEffect(() => {
    turn.active = active;
  });

  const { begin, follow, followRunning } = useFollowing(turn, stream, setRetryingId);

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
