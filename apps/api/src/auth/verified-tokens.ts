/**
 * Tokens whose signature was already checked, with what it proved: a client sends the same token
 * with every request, and checking an HS256 signature through WebCrypto (a key import and a job on
 * the thread pool) costs far more than a map lookup. Keyed by the exact token text, so a cached
 * entry is the result of verifying that very text; an entry is used only until the token's own
 * expiry. Revocation is not cached: the caller checks the token's version as before.
 *
 * Bounded: past `capacity` the oldest entry goes. Pure: no I/O, the clock is passed in.
 */
export class VerifiedTokens<C extends { expiresAt: number }> {
  private readonly entries = new Map<string, C>();

  constructor(private readonly capacity = 10_000) {}

  /** What `token` proved when it was verified, if that is known and the token has not expired. */
  get(token: string, now: number): C | undefined {
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    if (claims.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Records a token whose signature and expiry held. */
  set(token: string, claims: C): void {
    if (this.entries.size >= this.capacity && !this.entries.has(token)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(token, claims);
  }

  get size(): number {
    return this.entries.size;
  }
}
