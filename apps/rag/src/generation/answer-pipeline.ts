import {
  AppError,
  type RagStreamEvent,
  type Route,
  type SemanticSearchRequest,
  type SemanticSearchResponse,
  type TokenUsage,
} from '@classchat/contracts';
import type { Logger } from 'pino';
import { stageClock, type Stages } from '@classchat/service';
import { finalizeAnswer, toChunkReferences } from '../citations/citations.js';
import type { RagMetrics } from '../observability/metrics.js';
import type { Reservation, TokenBudget } from '../quota/token-budget.js';
import type { PassageDeps } from '../retrieval/passages.js';
import { prefetchQueryEmbedding } from '../retrieval/search.js';
import { CANCELLED, toStreamFailure, type StreamFailure } from './failures.js';
import type { AnswerModel } from './model.js';
import { reserveBudget } from './pipeline/budget.js';
import { gatherContext, sourcesEvent, type AnswerContext } from './pipeline/context.js';
import { afterPendingWrites, startEarlySearch, type EarlySearch } from './pipeline/early-search.js';
import { finalUsage, generate, nothingWritten, type Written } from './pipeline/generate.js';
import { watchAnswer } from './pipeline/lifetime.js';
import { createAnswerObserver, type AnswerObserver, type ObservedAnswer } from './pipeline/observer.js';
import { planAnswer, type AnswerPlan, type PlanDeps } from './pipeline/plan.js';
import { settleReservation, spentTokens, type AnswerOutcome } from './pipeline/settle.js';
import { chooseWriter, type AnswerWriter } from './pipeline/writer.js';

export interface AnswerSettings {
  /** Model tokens per `token` event (STREAM_CHUNK_SIZE). */
  chunkSize: number;
  /** How model tokens share a `token` event (STREAM_COALESCE_MS; default 0: what is ready at once). */
  coalesceMs?: number | 'off';
  /** STREAM_MAX_DURATION_S. */
  maxDurationS: number;
  /** Pace of offline answers (OFFLINE_TOKEN_DELAY_MS). */
  offlineTokenDelayMs: number;
}

export interface AnswerDeps extends PassageDeps {
  /** Whether the scope has material to answer from, and which documents a question can name. */
  documents: PlanDeps['documents'];
  /** The language model; null = offline mode (extractive answers). */
  model: AnswerModel | null;
  tokenBudget: TokenBudget;
  metrics?: RagMetrics;
  logger: Logger;
  /** Lifecycle hooks; by default logs on `logger` and the stream_* `metrics`. */
  observer?: AnswerObserver;
  settings: AnswerSettings;
}

/**
 * One answer as ONE async pipeline of events: `route`, then `sources`, then `token`s as the model
 * writes them, then exactly one `done` (final content with renumbered citations, chunk references,
 * usage) or `error`. The steps are parts of their own (plan, reserve, gather, write, generate,
 * settle, observe); this composes them.
 *
 * - Problems the caller should answer with an HTTP status (tokens-per-minute budget spent) are
 *   thrown as `AppError` before the first event; after it, every failure is an `error` event.
 * - Aborting `options.signal` (the client went away) or leaving the iteration early (`break`,
 *   `return()`) stops the model call and ends the pipeline without a further event; cleanup
 *   (reservation settled, metrics) runs either way.
 * - `STREAM_MAX_DURATION_S` is enforced: the model call is aborted and a retryable
 *   `stream_too_long` error ends the stream.
 */
export async function* answerEvents(
  deps: AnswerDeps,
  request: SemanticSearchRequest,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<RagStreamEvent, void, undefined> {
  const run = await startAnswer(deps, request);
  const { plan, observer, answer, t0 } = run;
  const { signal } = run.controller;
  const unwatch = watchAnswer(run.controller, options.signal, deps.settings.maxDurationS * 1000);
  // The search the plan takes starts (its words read, its statement sent) right after the requests
  // already made have reached their sockets, before the answer is logged or its route event written.
  const gathering = startGathering(deps, run, request);
  await afterPendingWrites();
  observer.started(answer);
  try {
    yield { type: 'route', route: plan.route };
    const context = await gathering;
    run.stages.mark('context');
    observer.contextGathered(answer, {
      mode: context.mode,
      passages: context.passages.length,
      coverage: context.coverage,
      named: context.words.named,
    });
    yield sourcesEvent(context);
    const writer = chooseWriter(plan, context, request, {
      model: deps.model,
      offlineTokenDelayMs: deps.settings.offlineTokenDelayMs,
    });
    run.writer = writer;
    run.stages.mark('prompt');
    const onFirstToken = () => {
      run.stages.mark('first_token');
      observer.firstToken(answer, since(t0), run.stages.toJSON());
    };
    const { chunkSize, coalesceMs } = deps.settings;
    yield* generate(
      writer.model,
      writer.request,
      { chunkSize, coalesceMs, signal, onFirstToken },
      run.written,
    );
    run.usage = finalUsage(run.written, () => promptTokensOf(run));
    run.outcome = 'completed';
    yield doneEvent(context, run.written.content, run.usage);
  } catch (err) {
    const reason: unknown = signal.aborted ? signal.reason : undefined;
    const failure = toStreamFailure(err, reason, deps.settings.maxDurationS);
    if (failure.code === 'cancelled') return;
    run.outcome = 'failed';
    observer.failed(answer, failure, { tokens: run.written.tokens, durationMs: since(t0), err });
    yield errorEvent(failure);
  } finally {
    unwatch();
    endAnswer(deps.tokenBudget, run);
  }
}

/** The answer's context, being gathered; awaited later, so a failure meanwhile is not unhandled. */
function startGathering(
  deps: AnswerDeps,
  run: RunningAnswer,
  request: SemanticSearchRequest,
): Promise<AnswerContext> {
  const gathering = gatherContext(deps, run.plan, request, {
    offline: run.answer.offline,
    signal: run.controller.signal,
    queryEmbedding: run.queryEmbedding,
    early: run.early,
  });
  gathering.catch(() => undefined);
  return gathering;
}

/** One answer under way: what was decided before its first event, and how it is going. */
interface RunningAnswer {
  t0: number;
  /** The steps before the first token, reported with it. */
  stages: Stages;
  plan: AnswerPlan;
  answer: ObservedAnswer;
  observer: AnswerObserver;
  /** Aborted on the client leaving, the deadline, or the end of the answer: stops the work. */
  controller: AbortController;
  /** The question's embedding, requested early (searches only). */
  queryEmbedding: Promise<number[] | null> | undefined;
  /** The question's search, started before the plan. */
  early: EarlySearch | null;
  reservation: Reservation | null;
  written: Written;
  outcome: AnswerOutcome;
  usage: TokenUsage | null;
  /** Who writes the answer, once chosen. */
  writer: AnswerWriter | null;
}

/** The prompt's tokens (0 before a writer was chosen), counted only when asked for. */
const promptTokensOf = (run: RunningAnswer): number => run.writer?.promptTokens ?? 0;

/** Plans the answer and reserves its budget; throws (the caller answers with an HTTP status) before the first event. */
async function startAnswer(deps: AnswerDeps, request: SemanticSearchRequest): Promise<RunningAnswer> {
  const t0 = performance.now();
  const stages = stageClock(t0);
  const offline = !deps.model;
  const controller = new AbortController();
  // Retrieval (the remote embeddings call and the database searches) is the slowest step before the
  // model's: it starts before the scope's documents are listed, and runs while the budget is reserved.
  // The listing is asked for first, so that it goes out before the question's words are read.
  const planning = planAnswer(deps, request, offline);
  const early = startEarlySearch(deps, request, offline, controller.signal);
  const plan = await planning.catch((err: unknown) => {
    controller.abort(CANCELLED);
    throw err;
  });
  stages.mark('planned');
  if (!plan.searches) early?.drop();
  const observer = deps.observer ?? createAnswerObserver(deps.logger, deps.metrics);
  const answer = { userId: request.user_id, sessionId: request.session_id, route: plan.route, offline };
  const queryEmbedding = plan.searches
    ? (early?.queryEmbedding ?? prefetchQueryEmbedding(deps, plan.scope, plan.searchText, controller.signal))
    : undefined;
  const reservation = await reserveBudget(deps.tokenBudget, plan, {
    callsModel: !offline,
    onRefused: (estimate) => observer.refused(answer, estimate),
  }).catch((err: unknown) => {
    controller.abort(CANCELLED);
    throw err;
  });
  stages.mark('budget');
  return {
    t0,
    stages,
    plan,
    answer,
    observer,
    controller,
    queryEmbedding,
    early,
    reservation,
    written: nothingWritten(),
    outcome: 'cancelled',
    usage: null,
    writer: null,
  };
}

/** However the answer ended: stop its work, settle its reservation, and report how it ended. */
function endAnswer(budget: Pick<TokenBudget, 'settle'>, run: RunningAnswer): void {
  const { controller, observer, answer, written, outcome } = run;
  if (!controller.signal.aborted && outcome !== 'completed') controller.abort(CANCELLED);
  if (run.reservation) {
    const spent = spentTokens(outcome, {
      usage: run.usage,
      // Read only when the answer ended early after some tokens.
      get promptTokens() {
        return promptTokensOf(run);
      },
      writtenTokens: written.tokens,
    });
    settleReservation(budget, run.reservation, spent, (err) => observer.settleFailed(answer, err));
  }
  const ended = { tokens: written.tokens, durationMs: since(run.t0) };
  if (outcome === 'completed' && run.usage) observer.completed(answer, { ...ended, usage: run.usage });
  else if (outcome === 'cancelled') observer.cancelled(answer, ended);
}

/** The final event of an answer that stands: its text with renumbered citations, or the offline answer. */
function doneEvent(
  context: AnswerContext,
  content: string,
  usage: TokenUsage,
): Extract<RagStreamEvent, { type: 'done' }> {
  const { grounded, passages } = context;
  const final = grounded
    ? { content: grounded.markdown, citations: grounded.citations }
    : finalizeAnswer(content, passages);
  return {
    type: 'done',
    content: final.content,
    citations: final.citations,
    chunkReferences: toChunkReferences(passages),
    usage,
    coverage: context.coverage,
    ...(grounded?.study ? { study: grounded.study } : {}),
  };
}

const errorEvent = (failure: StreamFailure): Extract<RagStreamEvent, { type: 'error' }> => ({
  type: 'error',
  message: failure.message,
  code: failure.code,
  retryable: failure.retryable,
});

/**
 * The blocking answer (`semantic_search`): runs the same pipeline to its end. An `error` event
 * becomes a thrown `AppError`.
 */
export async function collectAnswer(events: AsyncIterable<RagStreamEvent>): Promise<SemanticSearchResponse> {
  let route: Route = 'general_qa';
  for await (const event of events) {
    switch (event.type) {
      case 'route':
        route = event.route;
        break;
      case 'done':
        return {
          message: event.content,
          route,
          citations: event.citations,
          chunkReferences: event.chunkReferences,
          usage: event.usage,
          ...(event.coverage ? { coverage: event.coverage } : {}),
          ...(event.study ? { study: event.study } : {}),
        };
      case 'error':
        throw new AppError(event.code, event.message);
      case 'sources':
      case 'token':
      case 'keepalive':
        break;
    }
  }
  throw new AppError('stream_interrupted', 'The answer ended unexpectedly. Please try again.');
}

const since = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
