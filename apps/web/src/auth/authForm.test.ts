import { PASSWORD_MIN_LENGTH } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http.js';
import { authFailure, authFields, firstInvalidField } from './authForm.js';

describe('authFields', () => {
  it('asks a name only when signing up, and says how long a new password must be', () => {
    const signup = authFields('signup');
    expect(signup.map((f) => f.field)).toEqual(['name', 'email', 'password']);
    expect(signup[2]).toMatchObject({
      autoComplete: 'new-password',
      hint: `At least ${PASSWORD_MIN_LENGTH} characters.`,
    });
    const login = authFields('login');
    expect(login.map((f) => f.field)).toEqual(['email', 'password']);
    expect(login[1]).toMatchObject({ autoComplete: 'current-password' });
    expect(login[1]?.hint).toBeUndefined();
  });
});

describe('firstInvalidField', () => {
  it('is the first field in the form with an error', () => {
    expect(firstInvalidField('signup', { password: 'short', name: 'missing' })).toBe('name');
    expect(firstInvalidField('login', { password: 'short', name: 'missing' })).toBe('password');
    expect(firstInvalidField('login', {})).toBeUndefined();
  });
});

describe('authFailure', () => {
  it('puts the server’s validation issues under their fields', () => {
    const err = new ApiError(400, 'invalid_input', 'Invalid request', [
      { path: 'body.email', message: 'Enter a valid email' },
    ]);
    expect(authFailure(err)).toEqual({ fieldErrors: { email: 'Enter a valid email' }, formError: null });
  });

  it('shows the message above the button when no issue names a field', () => {
    const err = new ApiError(400, 'invalid_input', 'Invalid request', [{ path: '', message: 'Bad' }]);
    expect(authFailure(err)).toEqual({ fieldErrors: {}, formError: 'Invalid request' });
  });

  it('says a 401 means the email and password do not match', () => {
    const err = new ApiError(401, 'unauthorized', 'Unauthorized');
    expect(authFailure(err).formError).toBe('That email and password do not match an account.');
  });

  it('shows any other failure as its own message', () => {
    expect(authFailure(new ApiError(409, 'conflict', 'That email is taken'))).toEqual({
      fieldErrors: {},
      formError: 'That email is taken',
    });
  });
});
