/** A unique constraint was violated (duplicate email, class name, message position…). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly code = 'conflict' as const;
  constructor(
    message: string,
    /** The violated constraint or index, e.g. `users_email_lower_idx`. */
    readonly constraint: string | null = null,
  ) {
    super(message);
  }
}

/** Another answer is being written in the session (it holds the session's running-answer claim). */
export class AnswerRunningError extends ConflictError {
  constructor() {
    super('An answer is still being written in this chat');
  }
}

/** A row the operation depends on does not exist for this user (e.g. uploading into another user's class). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found' as const;
  constructor(message: string) {
    super(message);
  }
}

/** Keeping the new document would take the user past their storage quota. */
export class StorageQuotaError extends Error {
  override readonly name = 'StorageQuotaError';
  constructor(
    /** Bytes the user keeps already. */
    readonly usedBytes: number,
    readonly limitBytes: number,
  ) {
    super(`storage quota exceeded: ${usedBytes} of ${limitBytes} bytes in use`);
  }
}

interface PgErrorLike {
  code?: unknown;
  constraint?: unknown;
  cause?: unknown;
}

/** The PostgreSQL error behind a driver or drizzle error (drizzle wraps it as `cause`). */
export function pgErrorOf(err: unknown): { code: string; constraint: string | null } | null {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const e = cur as PgErrorLike;
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return { code: e.code, constraint: typeof e.constraint === 'string' ? e.constraint : null };
    }
    cur = e.cause;
  }
  return null;
}

export const isUniqueViolation = (err: unknown): boolean => pgErrorOf(err)?.code === '23505';
export const isForeignKeyViolation = (err: unknown): boolean => pgErrorOf(err)?.code === '23503';

/** Runs `fn`, turning a unique violation into a `ConflictError` with `message`. */
export async function mapConflict<T>(fn: () => Promise<T>, message: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const pgErr = pgErrorOf(err);
    if (pgErr?.code === '23505') throw new ConflictError(message, pgErr.constraint);
    throw err;
  }
}
