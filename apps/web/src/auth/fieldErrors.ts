import type { ValidationIssue } from '@classchat/contracts';
import type { z } from 'zod';

export type FieldErrors = Partial<Record<string, string>>;

/** The first message per field from the server's 400 `issues` (path "email", "body.email", …). */
export function fieldErrorsFromIssues(issues: readonly ValidationIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.split('.').pop() ?? '';
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

/** Client-side check with the same zod schema the server uses. */
export function validateWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { data: T; errors: null } | { data: null; errors: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, errors: null };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[issue.path.length - 1] ?? '');
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return { data: null, errors };
}
