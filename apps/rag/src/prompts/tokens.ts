import { countTokens as countBpe } from 'gpt-tokenizer';

/** BPE tokens of `text` (o200k, the encoding of gpt-4o and its successors). */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  try {
    return countBpe(text);
  } catch {
    return Math.ceil(text.length / 4);
  }
}

/** Per-message overhead of the chat format (role and separators), as OpenAI counts it. */
export const MESSAGE_OVERHEAD_TOKENS = 3;

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Prompt tokens of a chat request: contents plus the per-message overhead and the reply primer. */
export function countPromptTokens(messages: readonly PromptMessage[]): number {
  return messages.reduce((sum, m) => sum + MESSAGE_OVERHEAD_TOKENS + countTokens(m.content), 3);
}
