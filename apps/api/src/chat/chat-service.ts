import { randomUUID } from 'node:crypto';
import {
  AppError,
  type ChatHistoryItem,
  type ShownSpan,
  type ChatNewAccepted,
  type ChatNewBody,
  type RagStreamEvent,
  type SemanticSearchBody,
  type SessionDetail,
  type Source,
} from '@classchat/contracts';
import {
  AnswerRunningError,
  NotFoundError,
  type AnswerClaim,
  type MessageRow,
  type Repositories,
  type SessionRow,
  type SettledAnswer,
  type UsageRow,
} from '@classchat/db';
import type { Logger } from 'pino';
import type { Stages } from '@classchat/service';
import { chargesChat, type ChatQuota } from '../quota/chat-quota.js';
import type { RagClient } from '../rag-client/rag-client.js';
import { failure, failureFromThrown, StreamAbort } from '../streaming/failures.js';
import { abort, type ActiveStream, type ChatEventSink, type StreamRegistry } from '../streaming/registry.js';
import {
  relayStream,
  type FinishedAnswer,
  type RelayOutcome,
  type RagEventSource,
  type RelayTimeouts,
  type StreamObserver,
} from '../streaming/relay.js';
import type { AnswerLeases } from './answer-leases.js';
import { buildHistory, HISTORY_MAX_MESSAGES, titleFromQuestion } from './history.js';
import { toSessionDetail } from './dto.js';
import { settlementFor } from './answer-settlement.js';

/** One `POST chat/new`, validated and authenticated. */
export interface ChatRequest {
  userId: string;
  body: ChatNewBody;
  source: Source;
  requestId: string;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /** The steps before the first token, logged with it (see {@link stageClock}). */
  stages?: Stages;
  /**
   * The version the request's token claims, when its revocation is checked by the quota reservation
   * (the turn's first statement) rather than before the request got here.
   */
  tokenVersion?: number | null;
}

/**
 * The pluggable "persist" step: writes a finished answer and returns the assistant message, or null
 * when the session is gone. A new question inserts a message; a retry adds a version to the last
 * answer. The same single statement settles what the turn held: the quota reservation (a chat, or
 * given back when {@link chargesChat} says the answer is free) and the session's running-answer claim.
 */
export type PersistAnswer = (repos: Repositories, answer: FinishedAnswer) => Promise<SettledAnswer | null>;

/** The usage the statement that saved an answer returned, with a rev taken before that statement ran. */
export interface SettledUsage {
  usage: UsageRow;
  rev: number;
}

/**
 * What a turn holds from its start until its answer settles: a claim on its session (one running
 * answer per session, across processes) and one reserved chat.
 */
export interface TurnHold {
  /** The answer's claim; its id is the stream id. */
  answer: AnswerClaim;
  reservationId: string;
  /** The user's documents version as the reservation read it (passed to rag). */
  documentsVersion?: number;
}

/** What one chat turn asks rag and how its answer will be saved. */
export interface ChatTurn {
  session: SessionRow;
  question: string;
  /** Earlier messages, oldest first (the question itself is not in it). */
  history: ChatHistoryItem[];
  /** The user message appended for this turn; null for a retry. */
  userMessageId: string | null;
  /** That message as written (absent from planners that do not return it). */
  userMessage?: MessageRow | null;
  persist: PersistAnswer;
  /** A retry: what the versions it adds to cited, so rag can answer with something else. */
  shownSpans?: ShownSpan[];
  /**
   * A retry: the message whose versions it adds to. An answer identical to one of them is not saved
   * and not charged; the student is told it would repeat that version.
   */
  replaces?: MessageRow;
}

/**
 * Plans a turn: loads or creates the session, claims it for `hold.answer` (409 while another answer
 * runs in it), appends what must be appended, and says how to save the answer. Runs after the quota
 * reservation; a throw releases the reservation and the claim.
 */
export type TurnPlanner = (repos: Repositories, request: ChatRequest, hold: TurnHold) => Promise<ChatTurn>;

/** The 409 of a second answer in a session while one is being written. */
export const answerRunning = () =>
  new AppError(
    'conflict',
    'An answer is still being written in this chat. Stop it or wait for it to finish.',
  );

export interface ChatServiceDeps {
  repos: Repositories;
  quota: ChatQuota;
  /** The running-answer claims this process holds on sessions. */
  leases: AnswerLeases;
  rag: RagClient;
  streams: StreamRegistry;
  observer: StreamObserver;
  timeouts: RelayTimeouts;
  logger: Logger;
  /** `retry: true` requests (regenerate the last answer as a new version). */
  planRetry?: TurnPlanner;
  /** What was written, as it was written, for the user's other tabs: the turn's session and question. */
  onTurnPlanned?: (userId: string, turn: ChatTurn) => void;
  /** ... and the answer (or retry version) once saved. */
  onAnswerSaved?: (userId: string, row: MessageRow) => void;
  /**
   * ... and the month's chat count once a turn's reservation is settled (charged or given back):
   * `settled` when the statement that saved the answer returned it, null when it must be read.
   */
  onUsageSettled?: (userId: string, settled: SettledUsage | null) => void;
  /** The rev for `settled` (see {@link SettledUsage}); 0 without one. */
  usageRev?: () => number;
}

export interface StartedStream {
  accepted: ChatNewAccepted;
  stream: ActiveStream;
  /** Settles when the stream is over (saved or failed); never rejects. */
  finished: Promise<RelayOutcome>;
}

export type ChatService = ReturnType<typeof createChatService>;

export function createChatService(deps: ChatServiceDeps) {
  const { repos } = deps;

  /**
   * Gives the reservation (and the claim on the named session, if this turn took it) back after a
   * failed start, then throws `err` (a 404 for a missing row, a 409 for a running answer).
   */
  async function releaseAfter(request: ChatRequest, hold: TurnHold, err: unknown): Promise<never> {
    const sessionId = request.body.chatSessionId;
    await Promise.all([
      deps.quota.release(request.userId, hold.reservationId),
      sessionId ? deps.leases.release(sessionId, hold.answer.id) : undefined,
    ]).catch((releaseErr: unknown) => {
      deps.logger.error({ err: releaseErr, userId: request.userId }, 'could not release a failed turn');
    });
    if (err instanceof NotFoundError) throw new AppError('not_found', err.message);
    throw err instanceof AnswerRunningError ? answerRunning() : err;
  }

  /** One chat reserved (the token's revocation checked by the same statement) for the answer `answerId`. */
  async function reserve(request: ChatRequest, answerId: string): Promise<TurnHold> {
    const answer = deps.leases.claimFor(answerId);
    const reservation = await deps.quota.reserve(request.userId, request.tokenVersion);
    const hold = { answer, reservationId: reservation.id, documentsVersion: reservation.documentsVersion };
    request.stages?.mark('reserved');
    return hold;
  }

  /** Reserve one chat, then plan the turn (claiming its session for `answerId`); undone if planning fails. */
  async function reserveAndPlan(request: ChatRequest, answerId: string): Promise<[ChatTurn, TurnHold]> {
    const hold = await reserve(request, answerId);
    try {
      const plan = request.body.retry ? (deps.planRetry ?? retryNotAvailable) : planNewTurn;
      return [await plan(repos, request, hold), hold];
    } catch (err) {
      return releaseAfter(request, hold, err);
    }
  }

  /**
   * A new chat has no history and names its scope: once one chat is reserved, rag starts retrieving
   * while the session and the question are written. Its events wait until they are (nothing is
   * published before). rag is not asked before the reservation: a refused request costs it nothing.
   */
  async function startNewChat(
    request: ChatRequest,
    streamId: string,
    begin: (sessionId: string, streamId: string) => ActiveStream,
    call: (body: SemanticSearchBody, signal: AbortSignal) => AsyncIterable<RagStreamEvent>,
  ): Promise<{ turn: ChatTurn; hold: TurnHold; stream: ActiveStream; source: RagEventSource }> {
    const hold = await reserve(request, streamId);
    const stream = begin(randomUUID(), streamId);
    const early = startEarly(
      call(
        {
          user_id: request.userId,
          class_name: request.body.classId ?? null,
          doc_id: request.body.docId ?? null,
          user_query: request.body.message,
          chat_history: [],
          source: request.source,
          session_id: stream.sessionId,
          documents_version: hold.documentsVersion,
        },
        stream.controller.signal,
      ),
    );
    request.stages?.mark('rag_called');
    try {
      const turn = await planNewSession(repos, request, hold, stream.sessionId);
      return { turn, hold, stream, source: () => early };
    } catch (err) {
      abort(stream, 'discarded');
      deps.streams.end(stream);
      return releaseAfter(request, hold, err);
    }
  }

  return {
    /**
     * Quota, session, user message, then the stream in the background: answers once the stream is
     * registered (the relay has not necessarily sent anything yet). `sinks` see every event.
     */
    async startStream(
      request: ChatRequest,
      options: { sinks?: ChatEventSink[] } = {},
    ): Promise<StartedStream> {
      const begin = (sessionId: string, streamId: string) => {
        const stream = deps.streams.begin({
          streamId,
          userId: request.userId,
          sessionId,
          requestId: request.requestId,
          receivedAt: request.receivedAt,
        });
        for (const sink of options.sinks ?? []) deps.streams.addSink(stream.streamId, sink);
        return stream;
      };
      const call = (body: SemanticSearchBody, signal: AbortSignal) =>
        deps.rag.streamAnswer(body, { signal, requestId: request.requestId });
      const streamId = deps.streams.pickStreamId(request.body.streamId);
      let turn: ChatTurn;
      let hold: TurnHold;
      let stream: ActiveStream;
      let source: RagEventSource;
      if (!request.body.retry && !request.body.chatSessionId) {
        ({ turn, hold, stream, source } = await startNewChat(request, streamId, begin, call));
      } else {
        [turn, hold] = await reserveAndPlan(request, streamId);
        stream = begin(turn.session.id, streamId);
        const body = ragBody(request, turn, hold);
        source = (signal) => call(body, signal);
      }
      request.stages?.mark('planned');
      deps.onTurnPlanned?.(request.userId, turn);
      const settlement = settlementFor(deps, request.userId, turn, hold);
      const finished = relayStream({
        stream,
        source,
        publisher: deps.streams,
        settlement,
        observer: request.stages ? withStages(deps.observer, request.stages) : deps.observer,
        timeouts: deps.timeouts,
      });
      void finished.then(() => deps.onUsageSettled?.(request.userId, settlement.settledUsage()));
      return {
        accepted: {
          chatSessionId: turn.session.id,
          streamId: stream.streamId,
          userMessageId: turn.userMessageId,
        },
        stream,
        finished,
      };
    },

    /**
     * ENABLE_STREAMING=false: one blocking answer from rag, the same one write at the end and the
     * same quota rules; the finished session.
     */
    async answerBlocking(request: ChatRequest): Promise<SessionDetail> {
      const [turn, hold] = await reserveAndPlan(request, randomUUID());
      deps.onTurnPlanned?.(request.userId, turn);
      const settlement = settlementFor(deps, request.userId, turn, hold);
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new StreamAbort('max_duration')),
        deps.timeouts.maxDurationMs,
      ).unref();
      try {
        const answer = await deps.rag.answer(ragBody(request, turn, hold), {
          signal: controller.signal,
          requestId: request.requestId,
        });
        await settlement.save({
          content: answer.message,
          citations: answer.citations,
          chunkReferences: answer.chunkReferences,
          route: answer.route,
          status: 'complete',
          usage: answer.usage ?? null,
          coverage: answer.coverage ?? null,
          study: answer.study,
        });
      } catch (err) {
        await settlement.release().catch((releaseErr: unknown) => {
          deps.logger.error({ err: releaseErr, userId: request.userId }, 'quota release failed');
        });
        const why = AppError.is(err)
          ? failure(err.code, `rag answered: ${err.message}`, err.message)
          : failureFromThrown(err, controller.signal);
        deps.logger.warn({ reqId: request.requestId, detail: why.detail }, 'blocking answer failed');
        throw new AppError(why.code, why.message);
      } finally {
        clearTimeout(timer);
      }
      deps.onUsageSettled?.(request.userId, settlement.settledUsage());
      const messages = await repos.messages.list(request.userId, turn.session.id);
      const session = (await repos.sessions.get(request.userId, turn.session.id)) ?? turn.session;
      return toSessionDetail(session, messages);
    },
  };
}

/** `observer`, its first-token report carrying the request's steps before the first token. */
function withStages(observer: StreamObserver, stages: Stages): StreamObserver {
  return {
    started: (stream) => observer.started(stream),
    firstToken(stream, latencyMs) {
      stages.mark('first_token');
      observer.firstToken(stream, latencyMs, stages.toJSON());
    },
    completed: (stream, info) => observer.completed(stream, info),
    failed: (stream, failure, info) => observer.failed(stream, failure, info),
    settlementError: (stream, err, step) => observer.settlementError(stream, err, step),
  };
}

/**
 * A new question: the user message appended to the session (loaded, and re-scoped when the request
 * names another class or document) or to a new one — each a single statement — with the history
 * before it.
 */
export const planNewTurn: TurnPlanner = async (repos, request, hold) => {
  const { userId, body } = request;
  if (!body.chatSessionId) return planNewSession(repos, request, hold);
  if (body.classId || body.docId) await resolveSession(repos, request);
  const turn = await repos.turns.appendUser(
    userId,
    body.chatSessionId,
    body.message,
    HISTORY_MAX_MESSAGES,
    hold.answer,
  );
  if (!turn) throw new AppError('not_found', 'Chat session not found');
  return {
    session: turn.session,
    question: body.message,
    history: buildHistory(turn.history),
    userMessageId: turn.message.id,
    userMessage: turn.message,
    persist: persistAsNewMessage(userId, turn.session.id, hold),
  };
};

/** A new chat: the session (titled by the question, claimed by its answer) with the question, in one statement. */
export async function planNewSession(
  repos: Repositories,
  request: ChatRequest,
  hold: TurnHold,
  sessionId?: string,
): Promise<ChatTurn> {
  const { userId, body } = request;
  const { session, message } = await repos.turns.startSession({
    ...(sessionId ? { id: sessionId } : {}),
    userId,
    title: titleFromQuestion(body.message),
    assignedClass: body.classId ?? null,
    assignedDocument: body.docId ?? null,
    source: request.source,
    ephemeral: body.ephemeral,
    content: body.message,
    answer: hold.answer,
  });
  return {
    session,
    question: body.message,
    history: [],
    userMessageId: message.id,
    userMessage: message,
    persist: persistAsNewMessage(userId, session.id, hold),
  };
}

/**
 * An async iterable whose first `next()` is called now (so the request behind it starts at once);
 * the consumer gets that first result when it starts iterating.
 */
export function startEarly<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | null = iterator.next();
  // Not consumed when the chat is refused: the rejection (an abort) is expected then.
  first.catch(() => undefined);
  return {
    [Symbol.asyncIterator]: () => ({
      next() {
        if (!first) return iterator.next();
        const result = first;
        first = null;
        return result;
      },
      return: (value?: unknown) =>
        iterator.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }),
    }),
  };
}

/**
 * The default persist step: the answer becomes a new assistant message (`versions = [it]`), written
 * together with the quota settlement and the end of the session's claim in one statement.
 */
export const persistAsNewMessage =
  (userId: string, sessionId: string, hold: TurnHold): PersistAnswer =>
  (repos, answer) =>
    repos.turns.insertAnswerAndSettle({
      userId,
      sessionId,
      content: answer.content,
      citations: answer.citations,
      chunkReferences: answer.chunkReferences,
      route: answer.route,
      status: answer.status,
      coverage: answer.coverage ?? undefined,
      charge: chargesChat(answer.coverage),
      study: answer.study,
      reservationId: hold.reservationId,
      answerId: hold.answer.id,
    });

/**
 * The session a request talks in: `chatSessionId` loads the user's session (404 otherwise) and, when
 * the request names another class or document, re-scopes it; without one, a new session titled by
 * the question. Classes and documents must be the user's (404 otherwise).
 */
export async function resolveSession(repos: Repositories, request: ChatRequest): Promise<SessionRow> {
  const { userId, body, source } = request;
  const classId = body.classId ?? null;
  const docId = body.docId ?? null;
  if (body.chatSessionId) {
    const session = await repos.sessions.get(userId, body.chatSessionId);
    if (!session) throw new AppError('not_found', 'Chat session not found');
    const patch = {
      ...(classId && classId !== session.assignedClass ? { assignedClass: classId } : {}),
      ...(docId && docId !== session.assignedDocument ? { assignedDocument: docId } : {}),
    };
    if (Object.keys(patch).length === 0) return session;
    return (await repos.sessions.update(userId, session.id, patch)) ?? session;
  }
  return repos.sessions.create({
    userId,
    title: titleFromQuestion(body.message),
    assignedClass: classId,
    assignedDocument: docId,
    source,
    ephemeral: body.ephemeral,
  });
}

const retryNotAvailable: TurnPlanner = () =>
  Promise.reject(new AppError('invalid_input', 'Regenerating an answer is not available yet.'));

/** The arguments of rag's search for a planned turn. */
function ragBody(request: ChatRequest, turn: ChatTurn, hold: TurnHold): SemanticSearchBody {
  return {
    user_id: request.userId,
    class_name: turn.session.assignedClass,
    doc_id: turn.session.assignedDocument,
    user_query: turn.question,
    chat_history: turn.history,
    source: request.source,
    session_id: turn.session.id,
    ...(turn.shownSpans?.length ? { shown_spans: turn.shownSpans } : {}),
    documents_version: hold.documentsVersion,
  };
}

export { repeatedVersion, savedAnswerOf } from './answer-settlement.js';
