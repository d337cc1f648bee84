import { z } from 'zod';

/** `true`/`false`/`1`/`0`/`yes`/`no` (any case) as a boolean env var. */
export const envBool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected true or false' });
      return z.NEVER;
    });

/** A whole number env var within bounds, with a default when unset or empty. */
export const envInt = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? fallback : Number(v)),
    z.number().int('expected a whole number').min(min).max(max),
  );

/** A string env var; empty counts as unset. */
export function envString(): z.ZodType<string | undefined, string | undefined>;
export function envString(fallback: string): z.ZodType<string, string | undefined>;
export function envString(fallback?: string): z.ZodType<string | undefined, string | undefined> {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v));
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse `env` with `schema`; a bad value throws one ConfigError naming every offending variable. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
