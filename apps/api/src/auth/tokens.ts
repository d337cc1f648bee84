import { SignJWT, jwtVerify } from 'jose';

export const SESSION_COOKIE = 'cc_session';

export interface TokenService {
  sign(userId: string): Promise<string>;
  /** The user id of a valid, unexpired token; null for anything else (tampered, expired, garbage). */
  verify(token: string): Promise<string | null>;
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
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}
