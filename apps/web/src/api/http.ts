import { CSRF_HEADER, CSRF_HEADER_VALUE, type ErrorCode, type ValidationIssue } from '@classchat/contracts';
import type { z } from 'zod';

export const API_BASE = '/api/v1';

/**
 * Sent with every request of the app (the api requires it on state-changing requests that carry the
 * session cookie): a page of another site cannot send it, so the api knows the request is ours.
 */
export const CSRF_HEADERS: Readonly<Record<string, string>> = { [CSRF_HEADER]: CSRF_HEADER_VALUE };

/**
 * What went wrong with a call: the server's codes, plus the two only a client sees (the server could
 * not be reached; it answered something its contract does not allow).
 */
export type ClientErrorCode = ErrorCode | 'network_error' | 'unexpected_response';

/** A failed API call: the server's `{message, code, issues?}` body with its HTTP status. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
  }

  static is(value: unknown): value is ApiError {
    return value instanceof ApiError;
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever an authenticated call answers 401 (the session expired or was revoked). */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function notifyUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: 'Please check the highlighted fields.',
  401: 'Please log in again.',
  403: 'You are not allowed to do that.',
  404: 'We could not find that.',
  409: 'That already exists.',
  413: 'That file is too large.',
  415: 'That file type is not supported.',
  429: 'Too many requests — please wait a moment and try again.',
};

/** Turn any non-2xx answer into an ApiError, reading the JSON error body when there is one. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { message?: unknown; code?: unknown; issues?: unknown };
  const message =
    typeof b.message === 'string' && b.message.length > 0
      ? b.message
      : (FALLBACK_MESSAGES[status] ?? 'Something went wrong. Please try again.');
  const code =
    typeof b.code === 'string' ? (b.code as ErrorCode) : status >= 500 ? 'internal' : 'invalid_input';
  const issues = Array.isArray(b.issues)
    ? (b.issues as unknown[]).filter(
        (i): i is ValidationIssue =>
          typeof i === 'object' &&
          i !== null &&
          typeof (i as ValidationIssue).path === 'string' &&
          typeof (i as ValidationIssue).message === 'string',
      )
    : [];
  return new ApiError(status, code, message, issues);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Do not broadcast a 401 (auth-status and login answer 401 as a normal outcome). */
  quiet401?: boolean;
}

export const UNEXPECTED_RESPONSE_MESSAGE =
  'Class Chat answered in an unexpected way. Please reload the page.';

/**
 * A successful answer whose body breaks its contract (an older or newer api, a proxy's page): it
 * fails at the boundary with a plain message, instead of somewhere deep in a component. `endpoint`
 * and `problems` say which call and which fields did not fit.
 */
export class UnexpectedResponseError extends ApiError {
  override name = 'UnexpectedResponseError';

  constructor(
    status: number,
    readonly endpoint: string,
    readonly problems: readonly string[],
  ) {
    super(status, 'unexpected_response', UNEXPECTED_RESPONSE_MESSAGE);
  }
}

/** The contract of an answer: a zod schema from `@classchat/contracts`. */
export type ResponseSchema<T> = z.ZodType<T>;

/** A 2xx body read through its contract, or the UnexpectedResponseError naming what does not fit. */
export function readResponse<T>(
  schema: ResponseSchema<T>,
  body: unknown,
  status: number,
  endpoint: string,
): { ok: true; data: T } | { ok: false; error: UnexpectedResponseError } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`,
  );
  return { ok: false, error: new UnexpectedResponseError(status, endpoint, problems) };
}

/** A response's text as JSON; `undefined` for an empty body (204) or one that is not JSON. */
export function jsonOf(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * JSON request to the api with the auth cookie. Resolves the body parsed by `schema`, or throws
 * ApiError: the server's error, a network failure, or an UnexpectedResponseError.
 */
export async function request<T>(
  schema: ResponseSchema<T>,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const { method = 'GET', body, signal, quiet401 = false } = options;
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      credentials: 'include',
      headers: {
        Accept: 'application/json',
        ...CSRF_HEADERS,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      0,
      'network_error',
      'Could not reach Class Chat. Check your connection and try again.',
    );
  }
  const parsed = jsonOf(await response.text());
  if (!response.ok) {
    if (response.status === 401 && !quiet401) notifyUnauthorized();
    throw errorFromBody(response.status, parsed);
  }
  const read = readResponse(schema, parsed, response.status, `${method} ${path.split('?')[0]}`);
  if (!read.ok) throw read.error;
  return read.data;
}

/** The message to show for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong. Please try again.';
}
