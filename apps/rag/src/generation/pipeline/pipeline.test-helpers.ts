/**
 * In-process fakes for the answer pipeline's unit tests: a scripted model, repositories over arrays,
 * a token budget that records, and an observer that records. No HTTP, no database.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import {
  SemanticSearchBody,
  type ChatHistoryItem,
  type RagStreamEvent,
  type TokenUsage,
} from '@classchat/contracts';
import type { ChunkHit, ScopeDocument } from '@classchat/db';
import type { Reservation, TokenBudget } from '../../quota/token-budget.js';
import type { AnswerDeps } from '../answer-pipeline.js';
import type { AnswerModel, ModelRequest } from '../model.js';
import type { AnswerObserver } from './observer.js';

/** A scripted model step that waits until the model's signal aborts, then ends quietly (as the SDK does). */
export const UNTIL_ABORTED = Symbol('until aborted');
type Step = string | TokenUsage | Error | typeof UNTIL_ABORTED;

/** An `AnswerModel` that writes `steps`: text, a usage report, a thrown error, or a wait for the abort. */
export function fakeModel(...steps: Step[]): {
  model: AnswerModel;
  calls: ModelRequest[];
  signals: AbortSignal[];
} {
  const calls: ModelRequest[] = [];
  const signals: AbortSignal[] = [];
  const model: AnswerModel = async function* (request, signal) {
    calls.push(request);
    signals.push(signal);
    for (const step of steps) {
      if (typeof step === 'string') yield { type: 'text', text: step };
      else if (step instanceof Error) throw step;
      else if (step === UNTIL_ABORTED) {
        if (!signal.aborted)
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return;
      } else yield { type: 'usage', usage: step };
    }
  };
  return { model, calls, signals };
}

export const usage = (promptTokens: number, completionTokens: number): TokenUsage => ({
  promptTokens,
  completionTokens,
  totalTokens: promptTokens + completionTokens,
});

export function chunkHit(text: string, overrides: Partial<ChunkHit> = {}): ChunkHit {
  return {
    chunkId: randomUUID(),
    documentId: randomUUID(),
    classId: null,
    fileName: 'cells.pdf',
    chunkIndex: 0,
    pageStart: 3,
    pageEnd: 3,
    charStart: 0,
    charEnd: text.length,
    text,
    tokenCount: Math.ceil(text.length / 4),
    sectionPath: [],
    sectionPageStart: null,
    sectionPageEnd: null,
    pageKind: 'body',
    sourceMap: null,
    score: 0,
    rank: 1,
    ...overrides,
  };
}

export const readyDocument = (fileName = 'cells.pdf'): ScopeDocument => ({
  id: randomUUID(),
  fileName,
  status: 'ready',
  error: null,
});

/** Chunk and document repositories over arrays; every search finds nothing. */
export function fakeRepositories(data: { chunks?: ChunkHit[]; documents?: ScopeDocument[] } = {}): {
  chunks: AnswerDeps['chunks'];
  documents: AnswerDeps['documents'];
} {
  const chunks = data.chunks ?? [];
  return {
    chunks: {
      getByIds: (_userId, ids) => Promise.resolve(chunks.filter((c) => ids.includes(c.chunkId))),
      sampleAcross: () => Promise.resolve([]),
      fullTextSearch: () => Promise.resolve({ hits: [], terms: [] }),
      vectorSearch: () => Promise.resolve([]),
      countEmbeddedInScope: () => Promise.resolve(0),
    },
    documents: { listInScope: () => Promise.resolve(data.documents ?? []) },
  };
}

/** A token budget that grants (or refuses) every reservation and records what it was asked. */
export function recordingBudget(options: { refuse?: boolean } = {}) {
  const reserved: number[] = [];
  const settled: Array<{ reservation: Reservation; tokens: number }> = [];
  const budget: TokenBudget = {
    reserve(tokens) {
      reserved.push(tokens);
      return Promise.resolve(options.refuse ? null : { id: randomUUID(), tokens });
    },
    settle(reservation, tokens) {
      settled.push({ reservation, tokens });
      return Promise.resolve();
    },
  };
  return { budget, reserved, settled };
}

/** An observer that records each call as `name` or `name:detail`. */
export function recordingObserver(): { observer: AnswerObserver; calls: string[] } {
  const calls: string[] = [];
  const observer: AnswerObserver = {
    refused: (_a, estimate) => calls.push(`refused:${estimate > 0}`),
    started: (a) => calls.push(`started:${a.route}`),
    contextGathered: (_a, info) => calls.push(`context:${info.coverage}`),
    firstToken: () => calls.push('first_token'),
    completed: (_a, info) => calls.push(`completed:${info.tokens}`),
    failed: (_a, failure, info) => calls.push(`failed:${failure.code}:${info.tokens}`),
    cancelled: (_a, info) => calls.push(`cancelled:${info.tokens}`),
    settleFailed: () => calls.push('settle_failed'),
  };
  return { observer, calls };
}

export function answerRequest(user_query: string, chat_history: ChatHistoryItem[] = []) {
  return SemanticSearchBody.parse({
    user_id: randomUUID(),
    user_query,
    chat_history,
    session_id: randomUUID(),
  });
}

/** An assistant turn that cited `chunks` (what a follow-up continues from). */
export function answeredWith(question: string, answer: string, chunks: ChunkHit[]): ChatHistoryItem[] {
  return [
    { role: 'user', content: question, chunkReferences: [] },
    {
      role: 'assistant',
      content: answer,
      chunkReferences: chunks.map((c) => ({
        chunkId: c.chunkId,
        documentId: c.documentId,
        fileName: c.fileName,
        pageStart: c.pageStart,
        pageEnd: c.pageEnd,
      })),
    },
  ];
}

/** Answer deps over fakes: a model (or offline), a recording budget and observer, silent logs. */
export function fakeDeps(overrides: Partial<AnswerDeps> = {}): AnswerDeps {
  return {
    ...fakeRepositories(),
    embedder: null,
    model: null,
    tokenBudget: recordingBudget().budget,
    logger: pino({ level: 'silent' }),
    settings: { chunkSize: 1, maxDurationS: 60, offlineTokenDelayMs: 0 },
    ...overrides,
  };
}

export async function drain(events: AsyncIterable<RagStreamEvent>): Promise<RagStreamEvent[]> {
  const all: RagStreamEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}
