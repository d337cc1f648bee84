import { z } from 'zod';
import { ErrorCode, Id, nullableId } from './common.js';
import { AnswerCoverage, ChunkReference, Citation, MessageRole, Route, Source } from './chat.js';
import { AnswerStudy } from './study.js';
import { IngestStage } from './documents.js';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
export const REQUEST_ID_HEADER = 'x-request-id';

export const ChatHistoryItem = z.object({
  role: MessageRole,
  content: z.string(),
  chunkReferences: z.array(ChunkReference).default([]),
});
export type ChatHistoryItem = z.infer<typeof ChatHistoryItem>;

/** A passage span an earlier answer quoted: where a citation of it points. */
export const ShownSpan = z.object({
  documentId: Id,
  page: z.number().int().positive(),
  charStart: z.number().int().nonnegative().nullable(),
  charEnd: z.number().int().nonnegative().nullable(),
});
export type ShownSpan = z.infer<typeof ShownSpan>;

/**
 * Body of rag's `semantic_search` and `semantic_search_stream`. `class_name` carries the class id
 * (the seed's field name is kept); `"null"` strings mean absent.
 */
export const SemanticSearchBody = z.object({
  user_id: Id,
  class_name: nullableId.default(null),
  doc_id: nullableId.default(null),
  user_query: z.string().min(1).max(20_000),
  chat_history: z.array(ChatHistoryItem).default([]),
  source: Source.default('main_app'),
  session_id: nullableId.default(null),
  /**
   * A retry: what the answers it replaces cited. An offline answer leaves these spans out and gives
   * the next best one when there is one.
   */
  shown_spans: z.array(ShownSpan).max(2000).default([]),
  /**
   * The user's documents version, read with the chat's reservation before rag was asked: rag may
   * answer from a listing of the scope's documents it made at this version or a later one.
   */
  documents_version: z.number().int().nonnegative().optional(),
});
export type SemanticSearchBody = z.input<typeof SemanticSearchBody>;
export type SemanticSearchRequest = z.output<typeof SemanticSearchBody>;

export const TokenUsage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const SemanticSearchResponse = z.object({
  message: z.string(),
  route: Route,
  citations: z.array(Citation),
  chunkReferences: z.array(ChunkReference),
  usage: TokenUsage.optional(),
  coverage: AnswerCoverage.optional(),
  study: AnswerStudy.optional(),
});
export type SemanticSearchResponse = z.infer<typeof SemanticSearchResponse>;

/** The events of rag's `semantic_search_stream`, one JSON object per SSE `data:` line. */
export const RagStreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('route'), route: Route }),
  /**
   * The context given to the model, before its first token: `citations[n - 1]` explains marker `[n]`
   * as the model writes it (numbers not yet renumbered). Lets a stopped answer keep its citations.
   */
  z.object({
    type: z.literal('sources'),
    citations: z.array(Citation),
    chunkReferences: z.array(ChunkReference),
    /** Whether the answer will stand on the material (known before its first token; see `done`). */
    coverage: AnswerCoverage.optional(),
  }),
  z.object({ type: z.literal('token'), content: z.string() }),
  z.object({ type: z.literal('keepalive') }),
  z.object({
    type: z.literal('done'),
    content: z.string(),
    citations: z.array(Citation),
    chunkReferences: z.array(ChunkReference),
    usage: TokenUsage,
    coverage: AnswerCoverage.optional(),
    /** A quiz or study guide built offline, beside the Markdown that says the same. */
    study: AnswerStudy.optional(),
  }),
  z.object({
    type: z.literal('error'),
    message: z.string(),
    code: ErrorCode,
    retryable: z.boolean().default(false),
  }),
]);
export type RagStreamEvent = z.infer<typeof RagStreamEvent>;

/**
 * A `token` event checked by hand, for readers of rag's stream: tokens are nearly all of its events,
 * and their shape is two fields. undefined for anything else (which the schema then parses).
 */
export function ragTokenEvent(json: unknown): Extract<RagStreamEvent, { type: 'token' }> | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { type, content } = json as { type?: unknown; content?: unknown };
  return type === 'token' && typeof content === 'string' ? { type: 'token', content } : undefined;
}

/** The events of rag's `documents/:id/ingest`. */
export const IngestEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    stage: IngestStage,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal('ready'),
    pageCount: z.number().int().nonnegative(),
    chunkCount: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('error'), message: z.string(), code: ErrorCode }),
  z.object({ type: z.literal('keepalive') }),
]);
export type IngestEvent = z.infer<typeof IngestEvent>;

export const IngestBody = z.object({ user_id: Id });
export type IngestBody = z.infer<typeof IngestBody>;

export const IngestParams = z.object({ id: Id });
