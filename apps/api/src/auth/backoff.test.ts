import { describe, expect, it } from 'vitest';
import { backoffWaitMs } from './backoff.js';

describe('login backoff', () => {
  const at = (attempt: number, sinceFirstFailureMs: number) =>
    backoffWaitMs({ attempt, limit: 5, windowStartMs: 0, nowMs: sinceFirstFailureMs, baseDelayMs: 1000 });

  it('lets the first `limit` attempts of a window through at once', () => {
    for (let attempt = 1; attempt <= 5; attempt++) expect(at(attempt, 0)).toBe(0);
  });

  it('then opens each further attempt twice as late after the first failure: 1 s, 2 s, 4 s, 8 s…', () => {
    expect(at(6, 0)).toBe(1000);
    expect(at(6, 400)).toBe(600);
    expect(at(6, 1000)).toBe(0);
    expect(at(7, 1000)).toBe(1000);
    expect(at(8, 1000)).toBe(3000);
    expect(at(9, 7999)).toBe(1);
    expect(at(15, 0)).toBe(512_000);
  });

  it('stays finite however many attempts pile up', () => {
    expect(Number.isFinite(at(10_000, 0))).toBe(true);
  });
});
