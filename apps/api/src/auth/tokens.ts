import { SignJWT, jwtVerify } from 'jose';

export const SESSION_COOKIE = 'cc_session';

export interface VerifiedToken {
  userId: string;
  /** When the token stops being valid (epoch ms). */
  expiresAt: number;
}

/**
 * Where a user's current token version is kept (the users table). A token carries the version it was
 * issued under; bumping the version (logout) revokes every token issued before.
 */
export interface TokenVersions {
  /** The user's current version; null when the account no longer exists. */
  current(userId: string): Promise<number | null>;
  /** Bumps the version: every token issued so far stops working. */
  revoke(userId: string): Promise<void>;
}

export interface TokenService {
  sign(userId: string): Promise<string>;
  /**
   * The user of a valid, unexpired, unrevoked token; null for anything else (tampered, expired,
   * garbage, issued before a logout, or of an account that no longer exists).
   */
  verify(token: string): Promise<VerifiedToken | null>;
  /** Revokes every token of the user (logout). */
  revoke(userId: string): Promise<void>;
  readonly ttlSeconds: number;
}

/** The JWT claim carrying the token version; tokens issued before versions existed read as 0. */
const VERSION_CLAIM = 'ver';

/**
 * HS256 session tokens carrying the user id as `sub` and the user's token version. Without `versions`
 * (tools that mint tokens for load tests) every token is signed as version 0 and never checked.
 */
export function createTokenService(
  secret: string,
  ttlSeconds: number,
  versions?: TokenVersions,
): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    ttlSeconds,
    async sign(userId) {
      const version = versions ? await versions.current(userId) : 0;
      return new SignJWT({ [VERSION_CLAIM]: version ?? 0 })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token) {
      let userId: string;
      let version: number;
      let expiresAt: number;
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
        const claimed = payload[VERSION_CLAIM] ?? 0;
        if (typeof payload.sub !== 'string' || payload.exp === undefined) return null;
        if (typeof claimed !== 'number' || !Number.isInteger(claimed)) return null;
        userId = payload.sub;
        version = claimed;
        expiresAt = payload.exp * 1000;
      } catch {
        return null;
      }
      // Outside the try: a database failure is an error (500), not a bad token (401).
      if (versions && (await versions.current(userId)) !== version) return null;
      return { userId, expiresAt };
    },
    async revoke(userId) {
      await versions?.revoke(userId);
    },
  };
}
