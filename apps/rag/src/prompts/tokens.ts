import { countTokens as countBpe, setMergeCacheSize } from 'gpt-tokenizer';

/**
 * Words whose tokens gpt-tokenizer keeps (default 100,000). Once its cache is full, every new word
 * evicts the oldest entry of a `Map` whose front is left full of deleted slots, and each eviction
 * walks them: after one document of many distinct words (or hours of ordinary ones) every count
 * became ~8× slower, and a hostile text of 150,000 made-up words took 15 s instead of 3 s to chunk.
 * A small cache still holds the common words that make the cache worth having.
 */
const TOKENIZER_CACHE_WORDS = 1000;
setMergeCacheSize(TOKENIZER_CACHE_WORDS);

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
