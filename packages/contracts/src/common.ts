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

export const IsoDate = z.iso.datetime({ offset: true });

/** The seed product sent the string "null" for absent ids; treat it, and "", as absent. */
export const nullableId = z.preprocess(
  (v) => (v === 'null' || v === '' || v === undefined ? null : v),
  Id.nullable(),
);
