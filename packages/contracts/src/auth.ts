import { z } from 'zod';
import { Id, IsoDate, storedText } from './common.js';

export const Plan = z.enum(['free', 'premium']);
export type Plan = z.infer<typeof Plan>;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }).max(254));

export const PASSWORD_MIN_LENGTH = 8;

export const SignupBody = z.object({
  name: storedText().trim().min(1, 'Enter your name').max(100),
  email: Email,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(256),
});
export type SignupBody = z.infer<typeof SignupBody>;

export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1, 'Enter your password').max(256),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const UserDto = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  plan: Plan,
});
export type UserDto = z.infer<typeof UserDto>;

/**
 * The header the web app sends with every state-changing request. A cross-site form or a no-cors
 * request cannot set a custom header, and no other origin's script may (the api allows no CORS), so
 * a request that carries the session cookie without it did not come from the app: it is refused.
 * Clients that send `Authorization: Bearer` need not send it (a browser never adds that header).
 */
export const CSRF_HEADER = 'X-ClassChat-CSRF';
export const CSRF_HEADER_VALUE = '1';

/** Answer of signup, login and auth-status; `token` is for non-browser clients (Bearer). */
export const AuthResponse = z.object({ user: UserDto, token: z.string() });
export type AuthResponse = z.infer<typeof AuthResponse>;

/** `GET user/auth-status`: the signed-in user, or null when signed out (no or no longer valid session). */
export const AuthStatus = z.object({ user: UserDto.nullable() });
export type AuthStatus = z.infer<typeof AuthStatus>;

/** Bytes of uploads the user keeps (failed documents' files are removed, so they do not count). */
export const StorageUsage = z.object({
  usedBytes: z.number().int().nonnegative(),
  limitBytes: z.number().int().positive(),
});
export type StorageUsage = z.infer<typeof StorageUsage>;

export const Usage = z.object({
  plan: Plan,
  used: z.number().int().nonnegative(),
  /** null for premium: unlimited. */
  limit: z.number().int().positive().nullable(),
  resetsAt: IsoDate,
  storage: StorageUsage,
});
export type Usage = z.infer<typeof Usage>;
