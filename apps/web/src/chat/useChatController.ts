import { useRef } from 'react';
import type { Scope } from './ScopePickers.js';
import { useAsk } from './useAsk.js';
import { useAskCommands } from './useAskCommands.js';
import { useChatEvents } from './useChatEvents.js';
import { useChatView, type ChatPageCallbacks } from './useChatView.js';
import { useFollowedAnswer } from './useFollowedAnswer.js';
import { useMessageEdits } from './useMessageEdits.js';
import { useOtherTabAnswers } from './useOtherTabAnswers.js';
import { useSessionLoad } from './useSessionLoad.js';

export type { ChatFailure } from './answerRules.js';

export interface ChatControllerOptions extends ChatPageCallbacks {
  sessionId: string | null;
  scope: Scope;
}

/**
 * The conversation on screen: the chat named in the URL (useSessionLoad) kept true by other tabs
 * (useChatEvents, useOtherTabAnswers), questions and retries (useAsk, useAskCommands) answered
 * through one streamed answer at a time (useFollowedAnswer); reactions and versions are
 * useMessageEdits'.
 */
export function useChatController({ sessionId, scope, ...page }: ChatControllerOptions) {
  const view = useChatView(sessionId, page);
  // The failure's toast offers Retry; what Retry does is defined by useAskCommands, further down.
  const retryLastRef = useRef<() => void>(() => {});
  const answer = useFollowedAnswer(view, retryLastRef);
  const { loading, loadError, adopt, showGone } = useSessionLoad(sessionId, view, answer);
  useChatEvents(view, answer, showGone);
  useOtherTabAnswers(view, answer);
  const ask = useAsk(scope, view, answer, adopt);
  const { send, retry, retryLast, stop } = useAskCommands(ask, view, answer, retryLastRef);
  const { react, setVersion } = useMessageEdits(view.sessionIdRef, view.shown.setMessages);

  return {
    messages: view.shown.messages,
    loading,
    loadError,
    failure: answer.failure,
    retryingId: answer.retryingId,
    stream: answer.stream.state,
    active: answer.active,
    send,
    retry,
    retryLast,
    stop,
    react,
    setVersion,
  };
}
