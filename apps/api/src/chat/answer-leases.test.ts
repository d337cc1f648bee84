import type { AnswerClaimsRepository } from '@classchat/db';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAnswerLeases } from './answer-leases.js';

function fakeClaims() {
  const renewed: string[][] = [];
  const released: [string, string][] = [];
  const claims = {
    claim: () => Promise.resolve('claimed' as const),
    renew: (ids: readonly string[]) => {
      renewed.push([...ids]);
      return Promise.resolve(ids.length);
    },
    release: (sessionId: string, answerId: string) => {
      released.push([sessionId, answerId]);
      return Promise.resolve();
    },
    running: () => Promise.resolve(null),
  } satisfies AnswerClaimsRepository;
  return { claims, renewed, released };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('answer leases', () => {
  it('renews every held claim in one statement each third of the lease, until it is let go', async () => {
    const { claims, renewed, released } = fakeClaims();
    const leases = createAnswerLeases(claims, { logger: pino({ level: 'silent' }), leaseMs: 300 });
    expect(leases.claimFor('a1')).toEqual({ id: 'a1', leaseMs: 300 });

    await vi.advanceTimersByTimeAsync(100);
    expect(renewed).toEqual([]); // nothing held: no statement at all
    const unholdA = leases.hold('a1');
    leases.hold('a2');
    await vi.advanceTimersByTimeAsync(100);
    expect(renewed).toEqual([['a1', 'a2']]);

    unholdA();
    await leases.release('s2', 'a2');
    expect(released).toEqual([['s2', 'a2']]);
    await vi.advanceTimersByTimeAsync(300);
    expect(renewed).toHaveLength(1);

    leases.hold('a3');
    leases.close();
    await vi.advanceTimersByTimeAsync(300);
    expect(renewed).toHaveLength(1);
  });
});
