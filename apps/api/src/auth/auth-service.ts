import {
  AppError,
  type AuthResponse,
  type LoginBody,
  type SignupBody,
  type Usage,
  type UserDto,
} from '@classchat/contracts';
import { ConflictError, type Repositories, type UsageRow, type UserRow } from '@classchat/db';
import type { TokenService } from './tokens.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const WRONG_CREDENTIALS = 'Incorrect email or password.';

export function toUserDto(user: UserRow): UserDto {
  return { id: user.id, email: user.email, name: user.name, plan: user.plan };
}

export interface UsageLimits {
  freePlanMonthlyChats: number;
  /** USER_STORAGE_MB in bytes. */
  userStorageBytes: number;
}

/** The user's plan, chats this month and storage; null when the account does not exist. */
export async function readUsage(
  repos: Pick<Repositories, 'users' | 'documents'>,
  userId: string,
  limits: UsageLimits,
): Promise<Usage | null> {
  const usage = await repos.users.getUsage(userId);
  return usage ? toUsage(usage, limits) : null;
}

/** A usage row as the API shows it, with the configured limits. */
export function toUsage(usage: UsageRow, limits: UsageLimits): Usage {
  return {
    plan: usage.plan,
    used: usage.used,
    limit: usage.plan === 'premium' ? null : limits.freePlanMonthlyChats,
    resetsAt: usage.resetsAt.toISOString(),
    storage: { usedBytes: usage.storageUsedBytes, limitBytes: limits.userStorageBytes },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: {
  repos: Pick<Repositories, 'users' | 'documents'>;
  tokens: TokenService;
  freePlanMonthlyChats: number;
  /** USER_STORAGE_MB in bytes. */
  userStorageBytes: number;
}) {
  const { repos, tokens } = deps;
  return {
    /** Creates the account (409 for a taken email) and signs the user in. */
    async signup(body: SignupBody): Promise<AuthResponse> {
      const passwordHash = await hashPassword(body.password);
      let user: UserRow;
      try {
        user = await repos.users.create({ email: body.email, name: body.name, passwordHash });
      } catch (err) {
        if (err instanceof ConflictError) {
          throw new AppError('conflict', 'An account with this email already exists. Log in instead.');
        }
        throw err;
      }
      return { user: toUserDto(user), token: await tokens.sign(user.id) };
    },

    /** One generic 401 for an unknown email and a wrong password alike. */
    async login(body: LoginBody): Promise<AuthResponse> {
      const user = await repos.users.findByEmail(body.email);
      const ok = await verifyPassword(user?.passwordHash ?? null, body.password);
      if (!user || !ok) throw new AppError('unauthorized', WRONG_CREDENTIALS);
      return { user: toUserDto(user), token: await tokens.sign(user.id) };
    },

    /** The user, or null when the account does not exist. */
    async findUser(userId: string): Promise<UserDto | null> {
      const user = await repos.users.findById(userId);
      return user ? toUserDto(user) : null;
    },

    /** The signed-in user; 401 when the account no longer exists. */
    async currentUser(userId: string): Promise<UserDto> {
      const user = await repos.users.findById(userId);
      if (!user) throw new AppError('unauthorized', 'Your account no longer exists. Please sign up again.');
      return toUserDto(user);
    },

    async usage(userId: string): Promise<Usage> {
      const usage = await readUsage(repos, userId, deps);
      if (!usage) throw new AppError('unauthorized', 'Your account no longer exists. Please sign up again.');
      return usage;
    },
  };
}
