import { SignJWT, jwtVerify } from 'jose';

export const SESSION_COOKIE = 'cc_session';

export interface VerifiedToken {
  userId: string;
  /** When the token stops being valid (epoch ms). */
  expiresAt: number;
}

export interface TokenService {
  sign(userId: string): Promise<string>;
  /** The user of a valid, unexpired token; null for anything else (tampered, expired, garbage). */
  verify(token: string): Promise<VerifiedToken | null>;
  readonly ttlSeconds: number;
}

/** HS256 session tokens carrying the user id as `sub`. */
export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    ttlSeconds,
    sign: (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
        if (typeof payload.sub !== 'string' || payload.exp === undefined) return null;
        return { userId: payload.sub, expiresAt: payload.exp * 1000 };
      } catch {
        return null;
      }
    },
  };
}
