import { useCallback, type MutableRefObject } from 'react';
import { chatApi } from '../api/chat.js';
import { isActivePhase } from '../streaming/streamReducer.js';
import { missingAnswerOutcome } from './answerRules.js';
import type { ChatView } from './useChatView.js';
import type { StreamControls } from './useFollowedAnswer.js';

/**
 * The followed answer has nothing to replay: it has not started yet (its events will come live),
 * it is over and forgotten, or the server writing it died (its replay died with it). Re-read the
 * chat: if the answer is no longer running, show what was saved instead of waiting for it; if
 * part of it was shown and nothing was saved, say it was interrupted (retryable).
 */
export function useMissingAnswer(
  { sessionIdRef, pageRef, shown: { messagesRef, showRead } }: ChatView,
  setRetryingId: (id: string | null) => void,
  controlsRef: MutableRefObject<StreamControls | null>,
) {
  return useCallback(
    (streamId: string) => {
      const sid = sessionIdRef.current;
      if (!sid) return;
      chatApi.session(sid).then(
        (detail) => {
          const controls = controlsRef.current;
          const state = controls?.getState();
          const stillFollowing = state?.streamId === streamId && isActivePhase(state.phase);
          if (!controls || !stillFollowing || sessionIdRef.current !== sid) return;
          switch (missingAnswerOutcome(streamId, detail, state.lastSeq, messagesRef.current)) {
            case 'wait':
              return;
            case 'interrupted':
              controls.fail({
                message: 'The answer was interrupted. Please try again.',
                code: 'stream_interrupted',
                retryable: true,
              });
              return;
            case 'show-saved':
              controls.reset();
              setRetryingId(null);
              showRead(detail);
              pageRef.current.onSettled();
          }
        },
        () => undefined,
      );
    },
    [sessionIdRef, pageRef, messagesRef, showRead, setRetryingId, controlsRef],
  );
}
