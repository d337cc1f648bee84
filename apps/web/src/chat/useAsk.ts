import type { ChatNewAccepted, SessionDetail } from '@classchat/contracts';
import { useCallback } from 'react';
import { chatApi } from '../api/chat.js';
import { sendFailure, type AnswerRequest } from './answerRules.js';
import { localUserMessage } from './messageModel.js';
import type { Scope } from './ScopePickers.js';
import type { ChatView } from './useChatView.js';
import type { FollowedAnswer } from './useFollowedAnswer.js';

/**
 * Asking: a question (shown at once) or a retry of the last answer, sent with the stream id its
 * answer will come on, and that answer followed. `adopt` is told the chat the server created.
 */
export function useAsk(
  scope: Scope,
  view: ChatView,
  answer: FollowedAnswer,
  adopt: (sessionId: string) => void,
) {
  const { sessionIdRef } = view;
  const { setMessages } = view.shown;
  const { turn, setFailure, begin } = answer;
  const { fail } = answer.stream;
  const { showWhole, followAccepted } = useAskResponse(view, answer, adopt);

  return useCallback(
    async (text: string, retry: boolean) => {
      if (turn.active) return;
      setFailure(null);
      const chatSessionId = sessionIdRef.current;
      const streamId = crypto.randomUUID();
      let localId: string | null = null;
      if (!retry) {
        const local = localUserMessage(text, 0);
        localId = local.id;
        setMessages((ms) => [...ms, { ...local, position: (ms.at(-1)?.position ?? -1) + 1 }]);
      }
      const req: AnswerRequest = { text, retry, accepted: false, localId };
      begin(streamId, req, chatSessionId, { requestPending: true });
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
        if ('session' in response) showWhole(response, streamId, chatSessionId);
        else followAccepted(response, streamId, chatSessionId, localId);
      } catch (err) {
        fail(sendFailure(err));
      }
    },
    [
      scope.classId,
      scope.docId,
      turn,
      sessionIdRef,
      setMessages,
      setFailure,
      begin,
      fail,
      showWhole,
      followAccepted,
    ],
  );
}

/** What the answer to `chat/new` (for stream `streamId`, asked in chat `asked`) does to the view. */
function useAskResponse(view: ChatView, answer: FollowedAnswer, adopt: (sessionId: string) => void) {
  const { sessionIdRef, pageRef } = view;
  const { setMessages } = view.shown;
  const { turn, setRetryingId } = answer;
  const { watch, accepted, reset, getState } = answer.stream;

  /** Streaming is turned off on the server: the answer came back whole, with its chat. */
  const showWhole = useCallback(
    (response: SessionDetail, streamId: string, asked: string | null) => {
      if (getState().streamId !== streamId) return; // the student moved on; the answer is saved
      const stillHere = sessionIdRef.current === null;
      reset();
      setRetryingId(null);
      setMessages(response.messages);
      pageRef.current.onSettled();
      if (!asked && stillHere) {
        adopt(response.session.id);
        pageRef.current.onSessionCreated(response.session.id);
      }
    },
    [getState, reset, setRetryingId, setMessages, sessionIdRef, pageRef, adopt],
  );

  /** The answer will stream: keep the saved question's id, and follow the stream the server named. */
  const followAccepted = useCallback(
    (response: ChatNewAccepted, streamId: string, asked: string | null, localId: string | null) => {
      accepted(streamId);
      turn.sessionId = response.chatSessionId;
      const savedId = response.userMessageId;
      if (localId && savedId)
        setMessages((ms) => ms.map((m) => (m.id === localId ? { ...m, id: savedId } : m)));
      if (response.streamId !== streamId && getState().streamId === streamId) {
        watch(response.streamId, { replay: true });
      }
      // Show the new chat's URL, unless the student has meanwhile moved to another chat.
      const stillHere = sessionIdRef.current === null && getState().streamId === response.streamId;
      if (!asked && stillHere) {
        adopt(response.chatSessionId);
        pageRef.current.onSessionCreated(response.chatSessionId);
      }
    },
    [accepted, turn, setMessages, getState, watch, sessionIdRef, pageRef, adopt],
  );

  return { showWhole, followAccepted };
}
