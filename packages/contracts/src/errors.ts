import type { ErrorBody, ErrorCode, ValidationIssue } from './common.js';

/** The one mapping from error code to HTTP status, used by every service. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  quota_exceeded: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  storage_quota_exceeded: 413,
  insufficient_storage: 507,
  unsupported_type: 415,
  rate_limited: 429,
  tpm_exceeded: 429,
  upstream_rate_limited: 429,
  ingest_failed: 422,
  cancelled: 499,
  internal: 500,
  upstream_error: 502,
  stream_interrupted: 502,
  unavailable: 503,
  upstream_timeout: 504,
  stream_timeout: 504,
  stream_too_long: 504,
};

/** Codes a client may simply try again after (rate limits, upstream hiccups, timeouts). */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'tpm_exceeded',
  'upstream_rate_limited',
  'upstream_error',
  'upstream_timeout',
  'stream_interrupted',
  'stream_timeout',
  'stream_too_long',
  'unavailable',
  'internal',
]);

/** An expected failure with a code the client understands; anything else is a 500 `internal`. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly isRetryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
    this.status = HTTP_STATUS_BY_CODE[code];
    this.isRetryable = RETRYABLE_CODES.has(code);
  }

  toBody(): ErrorBody {
    return this.issues
      ? { message: this.message, code: this.code, issues: this.issues }
      : { message: this.message, code: this.code };
  }

  static is(value: unknown): value is AppError {
    return value instanceof AppError;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
