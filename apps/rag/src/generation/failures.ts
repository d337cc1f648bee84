import { AppError, type ErrorCode } from '@classchat/contracts';
import OpenAI from 'openai';

/** What a failed answer reports in its `error` event. */
export interface StreamFailure {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

/** Why the pipeline aborted its own work (the abort reason it uses). */
export const DEADLINE = Symbol('stream deadline');
export const CANCELLED = Symbol('stream cancelled');

const failure = (code: ErrorCode, message: string, retryable: boolean): StreamFailure => ({
  code,
  message,
  retryable,
});

/**
 * Maps anything thrown while answering to `{code, message, retryable}`. `abortReason` is the
 * pipeline's own abort reason, when it aborted (deadline or client gone), which wins over the error
 * the abort caused.
 */
export function toStreamFailure(err: unknown, abortReason?: unknown, maxDurationS?: number): StreamFailure {
  if (abortReason === DEADLINE) {
    return failure(
      'stream_too_long',
      `The answer took longer than ${maxDurationS ?? 'the allowed'} seconds and was stopped. Please try again.`,
      true,
    );
  }
  if (abortReason === CANCELLED) return failure('cancelled', 'The request was cancelled.', false);
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return failure('upstream_timeout', 'The language model did not answer in time. Please try again.', true);
  }
  if (err instanceof OpenAI.APIUserAbortError)
    return failure('cancelled', 'The request was cancelled.', false);
  if (err instanceof OpenAI.APIConnectionError) {
    return failure('upstream_error', 'Could not reach the language model. Please try again.', true);
  }
  if (err instanceof OpenAI.APIError) {
    const status: number | undefined = (err as { status?: number }).status;
    if (status === 429) {
      return failure(
        'upstream_rate_limited',
        'The language model is busy (rate limited). Please try again in a moment.',
        true,
      );
    }
    if (status === 408) {
      return failure(
        'upstream_timeout',
        'The language model did not answer in time. Please try again.',
        true,
      );
    }
    if (status === undefined || status >= 500) {
      // No status: an error event inside an accepted stream.
      return failure('upstream_error', 'The language model failed while answering. Please try again.', true);
    }
    // 400/401/403/404…: our request or configuration is wrong; retrying will not help.
    return failure('upstream_error', `The language model rejected the request (${status}).`, false);
  }
  if (AppError.is(err)) return failure(err.code, err.message, err.isRetryable);
  if (isConnectionCut(err)) {
    return failure(
      'stream_interrupted',
      'The connection to the language model was interrupted. Please try again.',
      true,
    );
  }
  return failure('internal', 'Something went wrong while answering. Please try again.', true);
}

/** node:http's "aborted" (ECONNRESET), undici's "terminated" / socket errors when a streamed body is cut. */
function isConnectionCut(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code, cause } = err as { code?: string; cause?: { code?: string } };
  return (
    err.message === 'terminated' ||
    /socket|ECONNRESET|EPIPE|other side closed/i.test(err.message) ||
    ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].some((c) => c === code || c === cause?.code)
  );
}
