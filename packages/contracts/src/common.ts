import { z } from 'zod';

export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

/** Every error code the product answers with; `errors.ts` in each app maps them to HTTP statuses. */
export const ErrorCode = z.enum([
  'invalid_input',
  'unauthorized',
  'forbidden',
  'quota_exceeded',
  'not_found',
  'conflict',
  'payload_too_large',
  'storage_quota_exceeded',
  'insufficient_storage',
  'unsupported_type',
  'rate_limited',
  'tpm_exceeded',
  'upstream_error',
  'upstream_rate_limited',
  'upstream_timeout',
  'stream_interrupted',
  'stream_timeout',
  'stream_too_long',
  'cancelled',
  'ingest_failed',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ValidationIssue = z.object({ path: z.string(), message: z.string() });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

export const ErrorBody = z.object({
  message: z.string(),
  code: ErrorCode,
  issues: z.array(ValidationIssue).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The answer of a call that has nothing to return (HTTP 204): an empty body. */
export const NoContent = z.undefined();
export type NoContent = z.infer<typeof NoContent>;

/**
 * Text that is stored: PostgreSQL cannot hold a NUL character in a text column, so one is an input
 * error (400) rather than a failed query (500).
 */
export const storedText = () =>
  z.string().refine((value) => !value.includes('\u0000'), { message: 'must not contain NUL characters' });

export const IsoDate = z.iso.datetime({ offset: true });

/** The seed product sent the string "null" for absent ids; treat it, and "", as absent. */
export const nullableId = z.preprocess(
  (v) => (v === 'null' || v === '' || v === undefined ? null : v),
  Id.nullable(),
);
