import type { AnswerCoverage, Route, TokenUsage } from '@classchat/contracts';
import type { Logger } from 'pino';
import type { RagMetrics } from '../../observability/metrics.js';
import type { StreamFailure } from '../failures.js';
import type { GatheredPassages } from '../../retrieval/passages.js';

/** The answer an observer hears about. */
export interface ObservedAnswer {
  userId: string;
  sessionId: string | null;
  route: Route;
  offline: boolean;
}

/**
 * Lifecycle hooks for logs and metrics; they must not throw. A streamed answer is `started`, then
 * ends exactly once: `completed`, `failed` or `cancelled`. `refused` is an answer that never started
 * (the token budget is spent).
 */
export interface AnswerObserver {
  refused(answer: ObservedAnswer, estimate: number): void;
  started(answer: ObservedAnswer): void;
  contextGathered(
    answer: ObservedAnswer,
    info: {
      mode: GatheredPassages['mode'] | null;
      passages: number;
      coverage: AnswerCoverage;
      named: string[];
    },
  ): void;
  /** `stages`: when each step before the first token ended (ms since the answer started). */
  firstToken(answer: ObservedAnswer, latencyMs: number, stages?: Record<string, number>): void;
  completed(answer: ObservedAnswer, info: { tokens: number; usage: TokenUsage; durationMs: number }): void;
  failed(
    answer: ObservedAnswer,
    failure: StreamFailure,
    info: { tokens: number; durationMs: number; err: unknown },
  ): void;
  cancelled(answer: ObservedAnswer, info: { tokens: number; durationMs: number }): void;
  /** Settling the token budget failed (Redis down…); the reservation expires with its window. */
  settleFailed(answer: ObservedAnswer, err: unknown): void;
}

/**
 * The stream_* metrics, and a log line per step on the request's logger (so each carries the request
 * id), with the user, session and route.
 */
export function createAnswerObserver(logger: Logger, metrics?: RagMetrics): AnswerObserver {
  const children = new WeakMap<ObservedAnswer, Logger>();
  const log = (answer: ObservedAnswer): Logger => {
    let child = children.get(answer);
    if (!child) {
      child = logger.child({ userId: answer.userId, sessionId: answer.sessionId, route: answer.route });
      children.set(answer, child);
    }
    return child;
  };
  return {
    refused(answer, estimate) {
      log(answer).warn({ event: 'tpm_exceeded', estimate }, 'tokens-per-minute budget spent');
    },
    started(answer) {
      metrics?.streamStarted.inc();
      log(answer).info({ event: 'stream_started', offline: answer.offline }, 'stream started');
    },
    contextGathered(answer, info) {
      log(answer).debug(info, 'context gathered');
    },
    firstToken(answer, latencyMs, stages) {
      metrics?.streamFirstToken.observe(latencyMs / 1000);
      log(answer).info(
        { event: 'stream_first_token', latencyMs, ...(stages ? { stages } : {}) },
        'first token',
      );
    },
    completed(answer, { tokens, usage, durationMs }) {
      metrics?.streamDuration.observe(durationMs / 1000);
      metrics?.streamCompleted.inc();
      const { completionTokens, promptTokens } = usage;
      log(answer).info(
        { event: 'stream_completed', tokens, completionTokens, promptTokens, durationMs },
        'stream completed',
      );
    },
    failed(answer, failure, { tokens, durationMs, err }) {
      metrics?.streamDuration.observe(durationMs / 1000);
      metrics?.streamFailed.inc({ reason: failure.code });
      log(answer).warn(
        { event: 'stream_failed', code: failure.code, tokens, err, durationMs },
        'stream failed',
      );
    },
    cancelled(answer, { tokens, durationMs }) {
      metrics?.streamDuration.observe(durationMs / 1000);
      metrics?.streamFailed.inc({ reason: 'cancelled' });
      log(answer).info({ event: 'stream_cancelled', tokens, durationMs }, 'stream cancelled by the client');
    },
    settleFailed(answer, err) {
      log(answer).warn({ err }, 'stream: settle failed');
    },
  };
}
