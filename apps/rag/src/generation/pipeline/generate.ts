import type { RagStreamEvent, TokenUsage } from '@classchat/contracts';
import { countTokens } from '../../prompts/tokens.js';
import type { AnswerModel, ModelRequest } from '../model.js';

type TokenEvent = Extract<RagStreamEvent, { type: 'token' }>;

/** What the model has written so far; kept up to date while it writes, and after it fails. */
export interface Written {
  content: string;
  /** Model tokens (text events) read. */
  tokens: number;
  /** The usage the model reported, if it did. */
  usage: TokenUsage | null;
}

export const nothingWritten = (): Written => ({ content: '', tokens: 0, usage: null });

export interface GenerateOptions {
  /** Model tokens per `token` event. */
  chunkSize: number;
  /** Aborting it stops the model; the generation then throws the signal's reason. */
  signal: AbortSignal;
  /** Called once, just before the first `token` event. */
  onFirstToken?: () => void;
}

/**
 * The model's text as `token` events of `chunkSize` model tokens (the last one may be shorter),
 * tallied into `written`. A model ends its stream quietly when aborted: an abort is never a
 * completion, so it throws the signal's reason instead of returning.
 */
export async function* generate(
  model: AnswerModel,
  request: ModelRequest,
  options: GenerateOptions,
  written: Written = nothingWritten(),
): AsyncGenerator<TokenEvent, Written, undefined> {
  let pending = '';
  let pendingCount = 0;
  const flush = (): TokenEvent => {
    if (written.tokens === pendingCount) options.onFirstToken?.();
    const event: TokenEvent = { type: 'token', content: pending };
    pending = '';
    pendingCount = 0;
    return event;
  };
  for await (const event of model(request, options.signal)) {
    if (event.type === 'usage') {
      written.usage = event.usage;
      continue;
    }
    written.content += event.text;
    written.tokens += 1;
    pending += event.text;
    pendingCount += 1;
    if (pendingCount >= options.chunkSize) yield flush();
  }
  if (options.signal.aborted) throw options.signal.reason;
  if (pending) yield flush();
  return written;
}

/** The usage of a finished answer: the model's, or counted when it reported none. */
export function finalUsage(written: Written, countPrompt: () => number): TokenUsage {
  if (written.usage) return written.usage;
  const promptTokens = countPrompt();
  const completionTokens = countTokens(written.content);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
