import { PASSWORD_MIN_LENGTH } from '@classchat/contracts';
import { ApiError, errorMessage } from '../api/http.js';
import { fieldErrorsFromIssues, type FieldErrors } from './fieldErrors.js';

export type AuthMode = 'login' | 'signup';
export type AuthField = 'name' | 'email' | 'password';
export type AuthValues = Record<AuthField, string>;

export interface AuthFieldSpec {
  field: AuthField;
  label: string;
  type: string;
  autoComplete: string;
  hint?: string;
  testId: string;
}

/** The form's fields, in order: sign-up also asks a name, and says how long a password must be. */
export function authFields(mode: AuthMode): AuthFieldSpec[] {
  const signup = mode === 'signup';
  const email: AuthFieldSpec = {
    field: 'email',
    label: 'Email',
    type: 'email',
    autoComplete: 'email',
    testId: 'auth-email',
  };
  const password: AuthFieldSpec = {
    field: 'password',
    label: 'Password',
    type: 'password',
    autoComplete: signup ? 'new-password' : 'current-password',
    ...(signup ? { hint: `At least ${PASSWORD_MIN_LENGTH} characters.` } : {}),
    testId: 'auth-password',
  };
  if (!signup) return [email, password];
  const name: AuthFieldSpec = {
    field: 'name',
    label: 'Name',
    type: 'text',
    autoComplete: 'name',
    testId: 'auth-name',
  };
  return [name, email, password];
}

/** The first field, in the form's order, that has an error: where focus goes. */
export function firstInvalidField(mode: AuthMode, errors: FieldErrors): AuthField | undefined {
  return authFields(mode).find((f) => errors[f.field])?.field;
}

/**
 * What a failed log-in or sign-up shows: the server's validation issues under their fields (or, when
 * none names a field, its message above the button); a 401 as a mismatch; anything else as itself.
 */
export function authFailure(err: unknown): { fieldErrors: FieldErrors; formError: string | null } {
  if (ApiError.is(err) && err.issues.length > 0) {
    const fieldErrors = fieldErrorsFromIssues(err.issues);
    return { fieldErrors, formError: Object.keys(fieldErrors).length === 0 ? err.message : null };
  }
  const formError =
    ApiError.is(err) && err.status === 401
      ? 'That email and password do not match an account.'
      : errorMessage(err);
  return { fieldErrors: {}, formError };
}
