import { AppError, type ShownSpan } from '@classchat/contracts';
import type { MessageRow } from '@classchat/db';
import { chargesChat } from '../quota/chat-quota.js';
import {
  answerRunning,
  persistAsNewMessage,
  resolveSession,
  type PersistAnswer,
  type TurnHold,
  type TurnPlanner,
} from './chat-service.js';
import { buildHistory } from './history.js';

/**
 * The retry "persist" step: the regenerated answer is appended to the message's versions and becomes
 * the current one (content, citations, chunk references, status and route follow) — not a new
 * message — with the session bumped, its claim ended and the reserved chat settled, all in one
 * statement.
 */
export const persistAsNewVersion =
  (userId: string, sessionId: string, messageId: string, hold: TurnHold): PersistAnswer =>
  (repos, answer) =>
    repos.turns.addVersionAndSettle(userId, sessionId, messageId, {
      content: answer.content,
      citations: answer.citations,
      chunkReferences: answer.chunkReferences,
      status: answer.status,
      route: answer.route,
      coverage: answer.coverage ?? undefined,
      charge: chargesChat(answer.coverage),
      study: answer.study,
      reservationId: hold.reservationId,
      answerId: hold.answer.id,
    });

const lastIndexOf = (messages: readonly MessageRow[], role: MessageRow['role'], before: number): number => {
  for (let i = before - 1; i >= 0; i--) if (messages[i]?.role === role) return i;
  return -1;
};

/**
 * `POST chat/new {retry: true, chatSessionId}`: regenerates the session's last answer. The question is
 * the user message that answer replied to; the history sent to rag is what came before that question
 * (the answer being replaced is not in it). When the session ends with a question whose answer never
 * arrived (its stream failed), the retry answers that question as a new message. Nothing is appended
 * when the turn starts: a failed retry leaves the session exactly as it was (and is not charged).
 * 409 while an answer in the same session is still being written, by any api process: the retry
 * claims the session first, with the same conditional UPDATE a new question's append makes.
 */
export const planRetry: TurnPlanner = async (repos, request, hold) => {
  // Reads only (plus resolveSession's re-scoping and the claim): no transaction, which on the
  // embedded database would hold everyone else up.
  const { userId } = request;
  const session = await resolveSession(repos, request);
  const claimed = await repos.answers.claim(userId, session.id, hold.answer);
  if (claimed === 'busy') throw answerRunning();
  if (claimed === 'not_found') throw new AppError('not_found', 'Chat session not found');
  const messages = await repos.messages.list(userId, session.id);
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    const q = lastIndexOf(messages, 'user', messages.length - 1);
    if (q === -1) throw new AppError('invalid_input', 'There is no question to answer again in this chat');
    return {
      session,
      question: messages[q]!.content,
      history: buildHistory(messages.slice(0, q)),
      userMessageId: null,
      persist: persistAsNewVersion(userId, session.id, last.id, hold),
      shownSpans: shownSpansOf(last),
      replaces: last,
    };
  }
  if (last?.role === 'user') {
    return {
      session,
      question: last.content,
      history: buildHistory(messages.slice(0, -1)),
      userMessageId: null,
      persist: persistAsNewMessage(userId, session.id, hold),
    };
  }
  throw new AppError('invalid_input', 'There is no answer to regenerate in this chat');
};

/** Every span the message's versions cited (each once): what a regenerated answer should not repeat. */
export function shownSpansOf(message: MessageRow): ShownSpan[] {
  const seen = new Set<string>();
  const spans: ShownSpan[] = [];
  for (const c of message.versions.flatMap((v) => v.citations)) {
    const key = `${c.documentId}:${c.page}:${c.charStart}:${c.charEnd}`;
    if (seen.has(key)) continue;
    seen.add(key);
    spans.push({ documentId: c.documentId, page: c.page, charStart: c.charStart, charEnd: c.charEnd });
  }
  return spans;
}
