import type { MessageDto, SessionDetail } from '@classchat/contracts';
import { ApiError, errorMessage } from '../api/http.js';
import type { StreamError } from '../streaming/streamReducer.js';
import { answerSaved } from './messageModel.js';

/** A failed answer as the chat shows it, under the conversation. */
export interface ChatFailure {
  message: string;
  retryable: boolean;
}

/**
 * The request behind the answer followed: what a failure before the server took it gives back, and
 * what Retry after a failure does. A followed answer this view did not ask for counts as a retry.
 */
export interface AnswerRequest {
  text: string;
  retry: boolean;
  accepted: boolean;
  /** The question shown before the server saved it (null for a retry). */
  localId: string | null;
}

/** A stream's failure as shown: a network drop can be retried even if the server did not say so. */
export function chatFailure(error: StreamError): ChatFailure {
  return { message: error.message, retryable: error.retryable || error.code === 'network_error' };
}

/** A rejected or unanswered `chat/new`: retryable unless the server refused the request itself. */
export function sendFailure(err: unknown): StreamError {
  const apiErr = ApiError.is(err) ? err : null;
  return {
    message: errorMessage(err),
    code: apiErr?.code ?? 'internal',
    retryable: apiErr ? apiErr.status === 0 || apiErr.status === 429 || apiErr.status >= 500 : true,
  };
}

/** Said when a retry would repeat version `repeatOf` (0-based) word for word. */
export function repeatNotice(repeatOf: number): string {
  return `Nothing new in your material for this question: a retry would repeat version ${repeatOf + 1} word for word, so nothing was added and no chat was counted.`;
}

/**
 * What to do when the followed answer `streamId` had nothing to replay, given the chat as read since:
 * wait for its live events if the chat still names it running; if part of it was shown
 * (`shownSeq` > 0) and nothing of it was saved, it was interrupted; otherwise show what was saved.
 */
export function missingAnswerOutcome(
  streamId: string,
  detail: Pick<SessionDetail, 'activeStream' | 'messages'>,
  shownSeq: number,
  shown: readonly MessageDto[],
): 'wait' | 'interrupted' | 'show-saved' {
  if (detail.activeStream?.streamId === streamId) return 'wait';
  if (shownSeq > 0 && !answerSaved(shown, detail.messages)) return 'interrupted';
  return 'show-saved';
}
