import { AppError, RETRYABLE_CODES, type ErrorCode } from '@classchat/contracts';

/** Why the api aborted a stream's rag request (the AbortSignal's reason). */
export type StreamAbortKind =
  /** STREAM_TIMEOUT_MS without any event from rag (keepalives count). */
  | 'idle_timeout'
  /** STREAM_MAX_DURATION_S exceeded. */
  | 'max_duration'
  /** The user pressed Stop (`chat-stream-cancel`, `POST chat/streams/:id/cancel`). */
  | 'cancelled'
  /** The api is shutting down. */
  | 'shutdown'
  /** rag sent an `error` event; the request is closed so rag stops the model call. */
  | 'rag_error'
  /** The chat was refused after rag had been asked (e.g. a 404 while writing the new session). */
  | 'discarded';

export class StreamAbort extends Error {
  override name = 'StreamAbort';
  constructor(readonly kind: StreamAbortKind) {
    super(`stream aborted: ${kind}`);
  }
}

export const abortKindOf = (signal: AbortSignal): StreamAbortKind | null =>
  signal.aborted && signal.reason instanceof StreamAbort ? signal.reason.kind : null;

/** A failed stream as the user sees it (`chat-stream-error`) and as logs and metrics record it. */
export interface StreamFailure {
  code: ErrorCode;
  /** A sentence a student understands. */
  message: string;
  retryable: boolean;
  /** What actually happened, for the logs only. */
  detail: string;
}

/** Codes whose own message (from rag or our services) is already meant for the user. */
const USER_FACING: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'invalid_input',
  'forbidden',
  'quota_exceeded',
  'not_found',
  'conflict',
]);

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  stream_timeout: 'The assistant stopped responding. Please try again.',
  stream_too_long: 'The answer took too long and was stopped. Please try again.',
  stream_interrupted: 'The answer was interrupted. Please try again.',
  unavailable: 'The assistant is unavailable right now. Please try again in a moment.',
  upstream_error: 'The AI model ran into a problem. Please try again.',
  upstream_timeout: 'The AI model took too long to respond. Please try again.',
  upstream_rate_limited: 'The assistant is busy right now. Please try again in a minute.',
  tpm_exceeded: 'The assistant is busy right now. Please try again in a minute.',
  rate_limited: 'Too many requests. Please wait a moment and try again.',
  cancelled: 'The answer was stopped.',
  internal: 'Something went wrong on our side. Please try again.',
};

/** The message a student sees for `code`; `given` is kept for codes whose messages are user-facing. */
export function studentMessage(code: ErrorCode, given?: string): string {
  if (given && USER_FACING.has(code)) return given;
  return MESSAGES[code] ?? given ?? MESSAGES.internal!;
}

export function failure(code: ErrorCode, detail: string, given?: string, retryable?: boolean): StreamFailure {
  return {
    code,
    message: studentMessage(code, given),
    retryable: retryable === true || RETRYABLE_CODES.has(code),
    detail,
  };
}

/** rag's terminal `error` event. */
export function failureFromRagError(event: {
  message: string;
  code: ErrorCode;
  retryable?: boolean;
}): StreamFailure {
  return failure(event.code, `rag error: ${event.message}`, event.message, event.retryable);
}

/** rag's stream ended (cleanly or not) without `done` or `error`. */
export function failureEndedWithoutDone(): StreamFailure {
  return failure('stream_interrupted', 'rag stream ended without a terminal event');
}

/** Something thrown while reading rag's stream (or starting it), given the stream's abort signal. */
export function failureFromThrown(err: unknown, signal: AbortSignal): StreamFailure {
  switch (abortKindOf(signal)) {
    case 'idle_timeout':
      return failure('stream_timeout', 'no event from rag within STREAM_TIMEOUT_MS');
    case 'max_duration':
      return failure('stream_too_long', 'STREAM_MAX_DURATION_S exceeded');
    case 'cancelled':
      return failure('cancelled', 'cancelled by the user', undefined, false);
    case 'shutdown':
      return failure('unavailable', 'api shutting down');
    case 'discarded':
      return failure('internal', 'stream discarded before it started');
    case 'rag_error':
    case null:
      break;
  }
  if (AppError.is(err)) return failure(err.code, `rag request failed: ${err.message}`, err.message);
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return failure('stream_interrupted', `rag stream broke: ${text}`);
}
