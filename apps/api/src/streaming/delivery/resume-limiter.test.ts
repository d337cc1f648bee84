import { describe, expect, it } from 'vitest';
import { Buckets, ResumeLimiter } from './resume-limiter.js';

describe('Buckets', () => {
  it('allows a burst, then the refill rate', () => {
    let now = 0;
    const buckets = new Buckets({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
    expect(buckets.take('b')).toBe(true);
    now += 500;
    expect(buckets.take('a')).toBe(true);
    expect(buckets.take('a')).toBe(false);
    now += 10_000;
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
  });
});

describe('ResumeLimiter', () => {
  it('limits one socket, and one stream across sockets', () => {
    const now = 0;
    const limiter = new ResumeLimiter(
      { perSocket: { burst: 2, perSecond: 0.001 }, perStream: { burst: 3, perSecond: 0.001 } },
      () => now,
    );
    expect([1, 2, 3].map(() => limiter.allow('s1', 'u', 'x'))).toEqual([true, true, false]);
    expect(limiter.allow('s2', 'u', 'x')).toBe(true);
    expect(limiter.allow('s3', 'u', 'x')).toBe(false);
    expect(limiter.allow('s3', 'u', 'y')).toBe(true);
    expect(limiter.allow('s4', 'other-user', 'x')).toBe(true);
  });
});
