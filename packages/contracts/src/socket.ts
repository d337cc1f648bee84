import { z } from 'zod';
import { ErrorCode, Id } from './common.js';
import { AnswerCoverage, ChunkReference, Citation, MessageStatus, MessageVersion, Route } from './chat.js';
import { DocumentStatus, IngestStage } from './documents.js';
import type { UserEvent } from './user-events.js';

export const ProcessingStatusPayload = z.object({
  docId: Id,
  status: DocumentStatus,
  stage: IngestStage,
  /** 0..1, never goes backwards for one document. */
  progress: z.number().min(0).max(1),
  error: z.string().nullable().default(null),
});
export type ProcessingStatusPayload = z.infer<typeof ProcessingStatusPayload>;

export const DocumentReadyPayload = z.object({
  docId: Id,
  pageCount: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
});
export type DocumentReadyPayload = z.infer<typeof DocumentReadyPayload>;

export const ChatStreamStartPayload = z.object({ sessionId: Id, streamId: Id, route: Route });
export type ChatStreamStartPayload = z.infer<typeof ChatStreamStartPayload>;

export const ChatStreamTokenPayload = z.object({
  sessionId: Id,
  streamId: Id,
  /** 1, 2, 3… per stream; clients drop any seq they have already shown. */
  seq: z.number().int().positive(),
  token: z.string(),
});
export type ChatStreamTokenPayload = z.infer<typeof ChatStreamTokenPayload>;

export const ChatStreamCompletePayload = z.object({
  sessionId: Id,
  streamId: Id,
  messageId: Id,
  content: z.string(),
  citations: z.array(Citation),
  chunkReferences: z.array(ChunkReference),
  versions: z.array(MessageVersion),
  currentVersion: z.number().int().nonnegative(),
  status: MessageStatus,
  /**
   * Whether the answer stands on the student's material. `not_covered` (the answer says the material
   * does not seem to cover the question; its citations are the closest sections) and `no_material`
   * cost no chat. Absent from servers that do not record it.
   */
  coverage: AnswerCoverage.optional(),
  /**
   * A retry whose answer would have been exactly version `repeatOf` (0-based) again: nothing was
   * saved and no chat was counted; the message is shown as it was.
   */
  repeatOf: z.number().int().nonnegative().optional(),
});
export type ChatStreamCompletePayload = z.infer<typeof ChatStreamCompletePayload>;

export const ChatStreamErrorPayload = z.object({
  sessionId: Id,
  streamId: Id,
  error: z.string(),
  code: ErrorCode,
  retryable: z.boolean(),
});
export type ChatStreamErrorPayload = z.infer<typeof ChatStreamErrorPayload>;

export const ChatStreamCancelPayload = z.object({ streamId: Id });
export type ChatStreamCancelPayload = z.infer<typeof ChatStreamCancelPayload>;

export const ChatStreamResumePayload = z.object({ streamId: Id, afterSeq: z.number().int().nonnegative() });
export type ChatStreamResumePayload = z.infer<typeof ChatStreamResumePayload>;

/**
 * Acknowledgement of client requests: `found: false` for unknown streams or another user's; `ok:
 * false` for a malformed request, a Stop that could not be forwarded, or a resume beyond the limits.
 */
export const StreamAck = z.object({ ok: z.boolean(), found: z.boolean() });
export type StreamAck = z.infer<typeof StreamAck>;

export interface ServerToClientEvents {
  'processing-status': (payload: ProcessingStatusPayload) => void;
  'document-ready': (payload: DocumentReadyPayload) => void;
  'chat-stream-start': (payload: ChatStreamStartPayload) => void;
  'chat-stream-token': (payload: ChatStreamTokenPayload) => void;
  'chat-stream-complete': (payload: ChatStreamCompletePayload) => void;
  'chat-stream-error': (payload: ChatStreamErrorPayload) => void;
  /** Any change of the user's account, for every tab and device (see `UserEvent`). */
  'user-event': (payload: UserEvent) => void;
}

export interface ClientToServerEvents {
  'chat-stream-cancel': (payload: ChatStreamCancelPayload, ack?: (result: StreamAck) => void) => void;
  'chat-stream-resume': (payload: ChatStreamResumePayload, ack?: (result: StreamAck) => void) => void;
}

/** Per-socket data the server keeps after the handshake. */
export interface SocketData {
  userId: string;
  /** When the session token the socket connected with expires (epoch ms): the socket is closed then. */
  sessionExpiresAt: number;
}

/** Socket.IO handshake errors carry one of these in `err.data.code`. */
export const SOCKET_AUTH_ERROR = 'unauthorized' as const;
/** The user already has as many sockets open as one api process keeps for a user. */
export const SOCKET_TOO_MANY_ERROR = 'too_many_connections' as const;

/**
 * The same chat stream as SSE, for clients without Socket.IO (`POST chat/new` with
 * `Accept: text/event-stream`): the socket event name becomes `type`.
 */
export const ChatSseEvent = z.discriminatedUnion('type', [
  ChatStreamStartPayload.extend({ type: z.literal('chat-stream-start') }),
  ChatStreamTokenPayload.extend({ type: z.literal('chat-stream-token') }),
  ChatStreamCompletePayload.extend({ type: z.literal('chat-stream-complete') }),
  ChatStreamErrorPayload.extend({ type: z.literal('chat-stream-error') }),
]);
export type ChatSseEvent = z.infer<typeof ChatSseEvent>;
