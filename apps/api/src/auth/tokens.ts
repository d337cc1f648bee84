import type { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { VerifiedTokens } from './verified-tokens.js';

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

/** A token whose signature and expiry hold, not yet checked against its user's current version. */
export interface TokenClaims extends VerifiedToken {
  /** The version it was issued under; null when versions are not checked (a service without them). */
  version: number | null;
}

export interface TokenService {
  sign(userId: string): Promise<string>;
  /**
   * The user of a valid, unexpired, unrevoked token; null for anything else (tampered, expired,
   * garbage, issued before a logout, or of an account that no longer exists).
   */
  verify(token: string): Promise<VerifiedToken | null>;
  /**
   * The signed claims of a valid, unexpired token (null otherwise), without asking the database
   * whether it was revoked: for a caller whose own first statement checks the version (see
   * {@link TokenService.isCurrent} for the other paths).
   */
  claims(token: string): Promise<TokenClaims | null>;
  /** Whether the claims' version is still the user's (false: revoked, or the account is gone). */
  isCurrent(claims: TokenClaims): Promise<boolean>;
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
  // Imported once: jose imports raw key bytes again on every call, on every request's path.
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  // A secret the platform refuses fails each call that awaits the key, not the process.
  key.catch(() => undefined);
  const versioned = versions !== undefined;
  const verified = new VerifiedTokens<TokenClaims>();
  const claimsOf = async (token: string): Promise<TokenClaims | null> => {
    const known = verified.get(token, Date.now());
    if (known) return known;
    const claims = await signedClaims(token, await key, versioned);
    if (claims) verified.set(token, Object.freeze(claims));
    return claims;
  };
  const isCurrent = async (claims: TokenClaims) =>
    !versions || claims.version === null || (await versions.current(claims.userId)) === claims.version;
  return {
    ttlSeconds,
    async sign(userId) {
      const version = versions ? await versions.current(userId) : 0;
      return new SignJWT({ [VERSION_CLAIM]: version ?? 0 })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(await key);
    },
    claims: claimsOf,
    isCurrent,
    async verify(token) {
      const claims = await claimsOf(token);
      // A database failure is an error (500), not a bad token (401).
      if (!claims || !(await isCurrent(claims))) return null;
      return { userId: claims.userId, expiresAt: claims.expiresAt };
    },
    async revoke(userId) {
      await versions?.revoke(userId);
    },
  };
}

/** The claims of a token whose signature and expiry hold; null for anything else. */
async function signedClaims(
  token: string,
  key: webcrypto.CryptoKey,
  versioned: boolean,
): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] });
    const claimed = payload[VERSION_CLAIM] ?? 0;
    if (typeof payload.sub !== 'string' || payload.exp === undefined) return null;
    if (typeof claimed !== 'number' || !Number.isInteger(claimed)) return null;
    return { userId: payload.sub, expiresAt: payload.exp * 1000, version: versioned ? claimed : null };
  } catch {
    return null;
  }
}
