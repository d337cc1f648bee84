import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './verified-tokens.js';

const claims = (userId: string, expiresAt: number) => ({ userId, expiresAt });

describe('VerifiedTokens', () => {
  it('returns what a token proved until the token expires, then forgets it', () => {
    const cache = new VerifiedTokens<ReturnType<typeof claims>>();
    cache.set('a.b.c', claims('u1', 1_000));
    expect(cache.get('a.b.c', 999)).toEqual(claims('u1', 1_000));
    expect(cache.get('a.b.c', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('knows only the exact token text it was given', () => {
    const cache = new VerifiedTokens<ReturnType<typeof claims>>();
    cache.set('a.b.c', claims('u1', 1_000));
    expect(cache.get('a.b.C', 0)).toBeUndefined();
    expect(cache.get('a.b.c ', 0)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest entry', () => {
    const cache = new VerifiedTokens<ReturnType<typeof claims>>(2);
    cache.set('t1', claims('u1', 1_000));
    cache.set('t2', claims('u2', 1_000));
    cache.set('t2', claims('u2', 1_000));
    expect(cache.size).toBe(2);
    cache.set('t3', claims('u3', 1_000));
    expect(cache.size).toBe(2);
    expect(cache.get('t1', 0)).toBeUndefined();
    expect(cache.get('t2', 0)?.userId).toBe('u2');
    expect(cache.get('t3', 0)?.userId).toBe('u3');
  });
});
