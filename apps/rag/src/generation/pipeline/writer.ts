import type { AnswerCoverage, SemanticSearchRequest } from '@classchat/contracts';
import type { ChunkHit, ScopeDocument } from '@classchat/db';
import { noMaterialAnswer, notCoveredAnswer, type ScopeKind } from '../../prompts/coverage.js';
import { buildPrompt } from '../../prompts/prompts.js';
import type { ScopeWords } from '../../retrieval/scope-words.js';
import { fixedTextModel } from '../fixed-answer.js';
import type { AnswerModel, ModelRequest } from '../model.js';
import { OFFLINE_NOTHING_FOUND } from '../offline/index.js';
import { offlineModel } from '../offline/stream.js';
import type { AnswerContext } from './context.js';
import type { AnswerPlan } from './plan.js';

/** Who writes the answer, and what they are asked. */
export interface AnswerWriter {
  model: AnswerModel;
  request: ModelRequest;
  /**
   * The prompt's tokens when the language model is called (0 otherwise: nothing is paid for); counted
   * on first read (see `BuiltPrompt`).
   */
  readonly promptTokens: number;
}

/**
 * The language model, with the prompt over the context, when the answer stands on the material and
 * one is configured. Otherwise a text written out as if by a model: the "not in your material"
 * answer, or the offline answer composed up front.
 */
export function chooseWriter(
  plan: AnswerPlan,
  context: AnswerContext,
  request: SemanticSearchRequest,
  options: { model: AnswerModel | null; offlineTokenDelayMs: number },
): AnswerWriter {
  const settings = { temperature: plan.cfg.temperature, maxOutputTokens: plan.cfg.maxOutputTokens };
  const fixed = (model: AnswerModel): AnswerWriter => ({
    model,
    request: { messages: [], ...settings },
    promptTokens: 0,
  });
  if (context.coverage !== 'grounded') {
    const text = uncoveredAnswer(context.coverage, plan.documents ?? [], scopeKind(request), context);
    return fixed(fixedTextModel(text));
  }
  if (context.grounded || !options.model) {
    return fixed(
      offlineModel(context.grounded?.markdown ?? OFFLINE_NOTHING_FOUND, options.offlineTokenDelayMs),
    );
  }
  const prompt = buildPrompt({
    route: plan.route,
    query: plan.query,
    history: plan.history,
    passages: context.passages,
  });
  return {
    model: options.model,
    request: { messages: prompt.messages, ...settings },
    get promptTokens() {
      return prompt.promptTokens;
    },
  };
}

/** What the student asked in, for the "no material" answer. */
function scopeKind(request: SemanticSearchRequest): ScopeKind {
  return request.doc_id ? 'document' : request.class_name ? 'class' : 'all';
}

/** The text of an answer that does not stand on the material (no model is called for it). */
function uncoveredAnswer(
  coverage: Exclude<AnswerCoverage, 'grounded'>,
  documents: readonly ScopeDocument[],
  scope: ScopeKind,
  context: { passages: readonly ChunkHit[]; words: ScopeWords },
): string {
  if (coverage === 'no_material') return noMaterialAnswer(documents, scope);
  return notCoveredAnswer({
    closest: context.passages,
    named: context.words.named,
    processing: documents.filter((d) => d.status === 'uploaded' || d.status === 'processing'),
  });
}
