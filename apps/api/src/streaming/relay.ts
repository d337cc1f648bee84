import { performance } from 'node:perf_hooks';
import {
  AppError,
  renumberCitations,
  type AnswerCoverage,
  type AnswerStudy,
  type ChunkReference,
  type Citation,
  type MessageStatus,
  type MessageVersion,
  type RagStreamEvent,
  type Route,
  type TokenUsage,
} from '@classchat/contracts';
import { watchSilence } from '@classchat/service';
import type { ChatEvent } from './events.js';
import {
  abortKindOf,
  failure,
  failureEndedWithoutDone,
  failureFromRagError,
  failureFromThrown,
  type StreamFailure,
} from './failures.js';
import { abort, type ActiveStream } from './registry.js';

/** The answer to persist when a stream ends well (`done`), or is stopped by the user after some text. */
export interface FinishedAnswer {
  content: string;
  citations: Citation[];
  chunkReferences: ChunkReference[];
  route: Route | null;
  status: MessageStatus;
  usage: TokenUsage | null;
  /** What rag said the answer stands on; null when it did not say (counted as grounded). */
  coverage: AnswerCoverage | null;
  /** A quiz or study guide that came with the answer. */
  study?: AnswerStudy | undefined;
}

/** The saved assistant message, as `chat-stream-complete` reports it. */
export interface SavedAnswer {
  messageId: string;
  content: string;
  citations: Citation[];
  chunkReferences: ChunkReference[];
  versions: MessageVersion[];
  currentVersion: number;
  status: MessageStatus;
  coverage?: AnswerCoverage | undefined;
  /** A retry that would have repeated this version exactly: nothing was saved or charged. */
  repeatOf?: number | undefined;
}

/** `save` found the chat deleted: there is nowhere to write the answer. */
export class ChatDeletedError extends AppError {
  constructor() {
    super('not_found', 'This chat was deleted before the answer was saved.');
  }
}

/**
 * How a stream's outcome reaches the database and the quota. Every stream calls exactly one of
 * `save` (when it succeeds), `release` or `charge`, exactly once.
 */
export interface StreamSettlement {
  /**
   * The one write at the end: the answer (new message, or a new version on retry) and the quota
   * commit, in one transaction. Throws `ChatDeletedError` (nothing written, nothing charged) when the
   * chat is gone.
   */
  save(answer: FinishedAnswer): Promise<SavedAnswer>;
  /** Nothing is saved: give the quota reservation back. */
  release(): Promise<void>;
  /** Nothing could be saved, but the student read the answer: the chat counts all the same. */
  charge(): Promise<void>;
}

/** Lifecycle hooks for logs and metrics; they must not throw. */
export interface StreamObserver {
  started(stream: ActiveStream): void;
  /** `stages`: when each step before the first token ended (ms since the request arrived), if timed. */
  firstToken(stream: ActiveStream, latencyMs: number, stages?: Record<string, number>): void;
  completed(
    stream: ActiveStream,
    info: { status: MessageStatus; tokens: number; usage: TokenUsage | null; durationMs: number },
  ): void;
  failed(stream: ActiveStream, failure: StreamFailure, info: { tokens: number; durationMs: number }): void;
  /** The settlement itself failed (database down…); the stream is reported failed as well. */
  settlementError(stream: ActiveStream, err: unknown, step: 'save' | 'release' | 'charge'): void;
}

/** rag's events for one answer; aborting `signal` must close the rag request. */
export type RagEventSource = (signal: AbortSignal) => AsyncIterable<RagStreamEvent>;

export interface RelayTimeouts {
  /** STREAM_TIMEOUT_MS: longest silence (no event at all, keepalives included) before giving up. */
  idleTimeoutMs: number;
  /** STREAM_MAX_DURATION_S in ms: longest stream. */
  maxDurationMs: number;
}

export interface RelayPublisher {
  publish(stream: ActiveStream, event: ChatEvent): void;
  end(stream: ActiveStream): void;
}

export type RelayOutcome =
  { kind: 'completed' | 'stopped'; saved: SavedAnswer } | { kind: 'failed'; failure: StreamFailure };

export interface RelayInput {
  stream: ActiveStream;
  source: RagEventSource;
  publisher: RelayPublisher;
  settlement: StreamSettlement;
  observer: StreamObserver;
  timeouts: RelayTimeouts;
  /** Clock in ms (default `performance.now`), the same one as `stream.receivedAt`. */
  now?: () => number;
}

/** The route shown when rag sends text before naming a route (it should not). */
const FALLBACK_ROUTE: Route = 'general_qa';

/**
 * Relays one answer from rag to the user: `chat-stream-start`, then `chat-stream-token` with seq 1, 2,
 * 3…, then exactly one of `chat-stream-complete` (after the one write at the end) or
 * `chat-stream-error` (nothing saved, quota released). Keepalives keep the stream alive but are not
 * forwarded. Never throws; the stream always leaves the registry.
 */
export async function relayStream(input: RelayInput): Promise<RelayOutcome> {
  const now = input.now ?? (() => performance.now());
  const elapsed = () => now() - input.stream.receivedAt;
  input.observer.started(input.stream);
  const ending = await readAnswer(input, now, elapsed);
  try {
    const answer = answerToSave(input.stream, ending);
    if (answer) return await saveAnswer(input, answer, elapsed);
    return await failStream(
      input,
      ending.kind === 'failed' ? ending.failure : failureEndedWithoutDone(),
      elapsed,
    );
  } finally {
    input.publisher.end(input.stream);
  }
}

type DoneEvent = Extract<RagStreamEvent, { type: 'done' }>;

/** How rag's side of a stream ended: its `done`, or why there is none. */
type RagEnding = { kind: 'done'; done: DoneEvent } | { kind: 'failed'; failure: StreamFailure };

/**
 * Reads rag's events until the answer's end, publishing the start and each token as it comes, under
 * the idle and total-duration limits. Never throws: a read that fails or is aborted is a `failed` ending.
 */
async function readAnswer(input: RelayInput, now: () => number, elapsed: () => number): Promise<RagEnding> {
  const { stream, publisher, observer } = input;
  const signal = stream.controller.signal;
  const limits = watchLimits(stream, input.timeouts, now);
  let iterator: AsyncIterator<RagStreamEvent> | undefined;
  let reader: ReturnType<typeof abortableNext<RagStreamEvent>> | undefined;
  try {
    iterator = input.source(signal)[Symbol.asyncIterator]();
    reader = abortableNext(iterator, signal);
    for (;;) {
      const next = await reader.next();
      limits.heard();
      if (next.done) return { kind: 'failed', failure: failureEndedWithoutDone() };
      const event = next.value;
      switch (event.type) {
        case 'keepalive':
          continue;
        case 'token':
          if (event.content !== '') publishToken(stream, event.content, publisher, observer, elapsed);
          continue;
        case 'sources':
          stream.sources = {
            citations: event.citations,
            chunkReferences: event.chunkReferences,
            coverage: event.coverage ?? null,
          };
          continue;
        case 'route':
          if (!stream.route) {
            stream.route = event.route;
            publisher.publish(stream, start$(stream));
          }
          continue;
        case 'done':
          announceStart(stream, publisher);
          return { kind: 'done', done: event };
        case 'error':
          // rag's terminal error: close the request so rag stops the model call.
          abort(stream, 'rag_error');
          return { kind: 'failed', failure: failureFromRagError(event) };
      }
    }
  } catch (err) {
    return { kind: 'failed', failure: failureFromThrown(err, signal) };
  } finally {
    limits.stop();
    reader?.dispose();
    // Done with rag's response either way; not awaited (a pending read settles through the abort).
    iterator?.return?.().catch(() => undefined);
  }
}

/** Aborts the stream after `idleTimeoutMs` without an event, or `maxDurationMs` in all. */
function watchLimits(
  stream: ActiveStream,
  timeouts: RelayTimeouts,
  now: () => number,
): { heard(): void; stop(): void } {
  const idle = watchSilence(timeouts.idleTimeoutMs, () => abort(stream, 'idle_timeout'), now);
  const maxTimer = setTimeout(() => abort(stream, 'max_duration'), timeouts.maxDurationMs).unref();
  return {
    heard: () => idle.heard(),
    stop: () => {
      idle.stop();
      clearTimeout(maxTimer);
    },
  };
}

function publishToken(
  stream: ActiveStream,
  token: string,
  publisher: RelayPublisher,
  observer: StreamObserver,
  elapsed: () => number,
): void {
  announceStart(stream, publisher);
  stream.seq += 1;
  stream.text += token;
  if (stream.seq === 1) observer.firstToken(stream, elapsed());
  publisher.publish(stream, {
    type: 'chat-stream-token',
    sessionId: stream.sessionId,
    streamId: stream.streamId,
    seq: stream.seq,
    token,
  });
}

/** Publishes `chat-stream-start` under the fallback route when rag sent text, or its answer, before naming one. */
function announceStart(stream: ActiveStream, publisher: RelayPublisher): void {
  if (stream.route) return;
  stream.route = FALLBACK_ROUTE;
  publisher.publish(stream, start$(stream));
}

/**
 * What to save: rag's whole answer, or, when the user stopped it after some text, the partial answer
 * (it counts as a chat), its markers renumbered against the context rag announced exactly as rag does
 * for a whole answer. Null when there is nothing to save.
 */
function answerToSave(stream: ActiveStream, ending: RagEnding): FinishedAnswer | null {
  if (ending.kind === 'done') {
    const { done } = ending;
    return {
      content: done.content,
      citations: done.citations,
      chunkReferences: done.chunkReferences,
      route: stream.route,
      status: 'complete',
      usage: done.usage,
      coverage: done.coverage ?? null,
      study: done.study,
    };
  }
  if (abortKindOf(stream.controller.signal) !== 'cancelled' || stream.text.length === 0) return null;
  const partial = renumberCitations(stream.text, stream.sources?.citations ?? [], (c, n) => ({ ...c, n }));
  return {
    content: partial.content,
    citations: partial.citations,
    chunkReferences: stream.sources?.chunkReferences ?? [],
    route: stream.route,
    status: 'stopped',
    usage: null,
    coverage: stream.sources?.coverage ?? null,
  };
}

/** The one write at the end, then `chat-stream-complete`; a failed save ends the stream as an error. */
async function saveAnswer(
  input: RelayInput,
  answer: FinishedAnswer,
  elapsed: () => number,
): Promise<RelayOutcome> {
  const { stream, publisher, observer } = input;
  let saved: SavedAnswer;
  try {
    saved = await input.settlement.save(answer);
  } catch (err) {
    if (err instanceof ChatDeletedError) {
      // The chat was deleted while its answer was being written. Whatever text reached the
      // student counts, as a Stop would have counted it: deleting is no way around the quota.
      const deleted = failure(err.code, 'chat deleted before the save', err.message);
      return await failStream(input, deleted, elapsed, { charge: stream.seq > 0 });
    }
    observer.settlementError(stream, err, 'save');
    const why = AppError.is(err)
      ? failure(err.code, `save failed: ${err.message}`, err.message)
      : failure('internal', `save failed: ${err instanceof Error ? err.message : String(err)}`);
    return await failStream(input, why, elapsed);
  }
  publisher.publish(stream, {
    type: 'chat-stream-complete',
    sessionId: stream.sessionId,
    streamId: stream.streamId,
    messageId: saved.messageId,
    content: saved.content,
    citations: saved.citations,
    chunkReferences: saved.chunkReferences,
    versions: saved.versions,
    currentVersion: saved.currentVersion,
    status: saved.status,
    ...(saved.coverage ? { coverage: saved.coverage } : {}),
    ...(saved.repeatOf !== undefined ? { repeatOf: saved.repeatOf } : {}),
  });
  observer.completed(stream, {
    status: saved.status,
    tokens: stream.seq,
    usage: answer.usage,
    durationMs: elapsed(),
  });
  return { kind: saved.status === 'stopped' ? 'stopped' : 'completed', saved };
}

/** Nothing saved: the reservation released (or, when text was read, charged), then `chat-stream-error`. */
async function failStream(
  input: RelayInput,
  why: StreamFailure,
  elapsed: () => number,
  options: { charge?: boolean } = {},
): Promise<RelayOutcome> {
  const { stream, observer } = input;
  const step = options.charge ? 'charge' : 'release';
  await input.settlement[step]().catch((err: unknown) => observer.settlementError(stream, err, step));
  input.publisher.publish(stream, {
    type: 'chat-stream-error',
    sessionId: stream.sessionId,
    streamId: stream.streamId,
    error: why.message,
    code: why.code,
    retryable: why.retryable,
  });
  observer.failed(stream, why, { tokens: stream.seq, durationMs: elapsed() });
  return { kind: 'failed', failure: why };
}

function start$(stream: ActiveStream): ChatEvent {
  return {
    type: 'chat-stream-start',
    sessionId: stream.sessionId,
    streamId: stream.streamId,
    route: stream.route ?? FALLBACK_ROUTE,
  };
}

/**
 * `next()` of the iterator that rejects with the signal's reason as soon as it aborts — even if the
 * source does not watch the signal itself. One abort listener for the whole stream; `dispose` removes it.
 */
function abortableNext<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): { next(): Promise<IteratorResult<T>>; dispose(): void } {
  let rejectPending: ((reason: unknown) => void) | null = null;
  const onAbort = () => rejectPending?.(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    next() {
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        rejectPending = reject;
        iterator.next().then(resolve, reject);
      });
    },
    dispose: () => signal.removeEventListener('abort', onAbort),
  };
}
