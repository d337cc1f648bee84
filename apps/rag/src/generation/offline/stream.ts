import { countTokens } from '../../prompts/tokens.js';
import type { AnswerModel } from '../model.js';

/** Word-sized pieces (each with its leading whitespace) whose concatenation is `text`. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/**
 * The offline stand-in for the model: an answer already composed, written word by word at
 * `tokenDelayMs`, through the same pipeline as a model's tokens.
 */
export function offlineModel(text: string, tokenDelayMs: number): AnswerModel {
  return async function* model(_request, signal) {
    for (const piece of wordPieces(text)) {
      if (tokenDelayMs > 0) await sleep(tokenDelayMs, signal);
      if (signal.aborted) return;
      yield { type: 'text', text: piece };
    }
    const completionTokens = countTokens(text);
    yield { type: 'usage', usage: { promptTokens: 0, completionTokens, totalTokens: completionTokens } };
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
