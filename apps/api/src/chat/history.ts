import type { ChatHistoryItem, Source } from '@classchat/contracts';
import type { MessageRow } from '@classchat/db';

/** How many earlier messages go to rag with a question (rag trims further to its token budget). */
export const HISTORY_MAX_MESSAGES = 20;

/**
 * The session's earlier messages as rag's `chat_history`: oldest first, the last `max` of them,
 * empty ones left out, each with the chunk references its answer was built from (the follow-up
 * route reuses those).
 */
export function buildHistory(
  messages: readonly Pick<MessageRow, 'role' | 'content' | 'chunkReferences'>[],
  max = HISTORY_MAX_MESSAGES,
): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = [];
  for (const m of messages) {
    if (m.content.trim() === '') continue;
    items.push({ role: m.role, content: m.content, chunkReferences: m.chunkReferences ?? [] });
  }
  return max > 0 ? items.slice(-max) : [];
}

export const TITLE_MAX_CHARS = 60;

/** A session title from its first question: one line, at most ~60 characters, cut at a word. */
export function titleFromQuestion(question: string, max = TITLE_MAX_CHARS): string {
  const line = question.replace(/\s+/g, ' ').trim();
  if (line === '') return 'New chat';
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  const base = lastSpace >= max / 2 ? cut.slice(0, lastSpace) : cut;
  return `${base.replace(/[\s.,;:!?-]+$/, '')}…`;
}

/** `X-Source: chrome_extension` marks the browser extension; anything else is the main app. */
export function sourceFromHeader(header: string | string[] | undefined): Source {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim().toLowerCase() === 'chrome_extension' ? 'chrome_extension' : 'main_app';
}
