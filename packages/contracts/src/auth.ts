import { z } from 'zod';
import { Id, IsoDate } from './common.js';

export const Plan = z.enum(['free', 'premium']);
export type Plan = z.infer<typeof Plan>;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }).max(254));

export const PASSWORD_MIN_LENGTH = 8;

export const SignupBody = z.object({
  name: z.string().trim().min(1, 'Enter your name').max(100),
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

/** Answer of signup, login and auth-status; `token` is for non-browser clients (Bearer). */
export const AuthResponse = z.object({ user: UserDto, token: z.string() });
export type AuthResponse = z.infer<typeof AuthResponse>;

export const AuthStatus = z.object({ user: UserDto });
export type AuthStatus = z.infer<typeof AuthStatus>;

export const Usage = z.object({
  plan: Plan,
  used: z.number().int().nonnegative(),
  /** null for premium: unlimited. */
  limit: z.number().int().positive().nullable(),
  resetsAt: IsoDate,
});
export type Usage = z.infer<typeof Usage>;
