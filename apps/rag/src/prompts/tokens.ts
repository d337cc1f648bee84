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

/** Loads the encoding's tables now (its first count otherwise pays for them), for a service to call while it starts. */
export function prepareTokenizer(): void {
  countTokens('Prepare the tokenizer.');
}

/** Per-message overhead of the chat format (role and separators), as OpenAI counts it. */
export const MESSAGE_OVERHEAD_TOKENS = 3;

/** Tokens that prime the model's reply, counted once per chat request. */
export const REPLY_PRIMER_TOKENS = 3;

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Prompt tokens of a chat request: contents plus the per-message overhead and the reply primer. */
export function countPromptTokens(messages: readonly PromptMessage[]): number {
  return messages.reduce(
    (sum, m) => sum + MESSAGE_OVERHEAD_TOKENS + countTokens(m.content),
    REPLY_PRIMER_TOKENS,
  );
}
