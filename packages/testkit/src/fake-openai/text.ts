import { countTokens as countBpeTokens } from 'gpt-tokenizer';
import type { ChatMessage, ChatRequest } from './types.js';

/**
 * Word-ish tokens that keep their leading whitespace; punctuation is a token of its own, so a
 * citation marker `[1]` arrives as ` [`, `1`, `]` — as with a real BPE model. Deterministic, and
 * `splitTokens(t).join('') === t` for every string.
 */
const TOKEN_RE = /\s*(?:[\p{L}\p{N}_']+|[^\s\p{L}\p{N}_'])|\s+/gu;

export function splitTokens(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

/** The text of a message whose content is a string or an array of content parts. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
  return '';
}

/** The text of the last `user` message, or '' when there is none. */
export function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const message = req.messages[i];
    if (message?.role === 'user') return messageText(message);
  }
  return '';
}

/**
 * The fake's answer when no `reply` is scripted: it echoes the (first 120 characters of the) last
 * user message and cites source [1], e.g. `Here is what your course material says about "What
 * does the Krebs cycle produce?" [1].`
 */
export function defaultReply(req: ChatRequest): string {
  const question = lastUserText(req).replace(/\s+/g, ' ').trim().slice(0, 120);
  return `Here is what your course material says about "${question}" [1].`;
}

const FILLER = (
  'the cell membrane controls what enters and leaves while mitochondria turn glucose into ' +
  'usable energy through a series of linked reactions that students should review carefully'
).split(' ');

/**
 * Exactly `n` deterministic tokens (n ≥ 1), for benchmarks that need an answer of a given length:
 * English sentences, word tokens with their leading space, citing ` [`, `1`, `]` after the fourth
 * token (when n ≥ 8) and ending with `.`.
 */
export function syntheticTokens(n: number): string[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  const body = n > 1 ? n - 1 : 1;
  const tokens: string[] = [];
  let w = 0;
  let capital = true;
  while (tokens.length < body) {
    if (tokens.length === 4 && body - tokens.length >= 3) {
      tokens.push(' [', '1', ']');
      continue;
    }
    const index = w % FILLER.length;
    if (index === 0 && w > 0 && !capital && body - tokens.length > 1) {
      tokens.push('.');
      capital = true;
      continue;
    }
    const word = FILLER[index] ?? 'word';
    const text = capital ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    tokens.push(tokens.length === 0 ? text : ` ${text}`);
    capital = false;
    w++;
  }
  if (n > 1) tokens.push('.');
  return tokens;
}

/** BPE token count (o200k, as gpt-4o); falls back to ~4 characters per token for odd input. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  try {
    return countBpeTokens(text);
  } catch {
    return Math.ceil(text.length / 4);
  }
}

/** Prompt tokens of a chat request, counted as OpenAI does: content plus ~3 tokens per message. */
export function countPromptTokens(req: ChatRequest): number {
  let total = 3;
  for (const message of req.messages) total += 3 + countTokens(messageText(message));
  return total;
}
