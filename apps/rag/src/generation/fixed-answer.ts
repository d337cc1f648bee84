import { setImmediate } from 'node:timers/promises';
import type { AnswerModel } from './model.js';
import { wordPieces } from './offline/stream.js';

/**
 * A model that writes a fixed text (the "not in your material" answers), word by word through the
 * same pipeline as a model's tokens, at once: no model is called, so it uses no tokens.
 */
export function fixedTextModel(text: string): AnswerModel {
  return async function* model(_request, signal) {
    for (const piece of wordPieces(text)) {
      // One turn of the event loop per piece, as a model's stream gives: a Stop lands between them.
      await setImmediate();
      if (signal.aborted) return;
      yield { type: 'text', text: piece };
    }
    yield { type: 'usage', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };
  };
}
