import { afterEach, describe, expect, it, vi } from 'vitest';
import { CANCELLED, DEADLINE } from '../failures.js';
import { watchAnswer } from './lifetime.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('watchAnswer', () => {
  it('aborts with CANCELLED when the client goes away', () => {
    const controller = new AbortController();
    const client = new AbortController();
    const stop = watchAnswer(controller, client.signal, 60_000);
    client.abort();
    expect(controller.signal.reason).toBe(CANCELLED);
    stop();
  });

  it('aborts at once when the client is already gone', () => {
    const controller = new AbortController();
    const stop = watchAnswer(controller, AbortSignal.abort(), 60_000);
    expect(controller.signal.reason).toBe(CANCELLED);
    stop();
  });

  it('aborts with DEADLINE after the longest duration', () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const stop = watchAnswer(controller, undefined, 5000);
    vi.advanceTimersByTime(4999);
    expect(controller.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(controller.signal.reason).toBe(DEADLINE);
    stop();
  });

  it('stops watching both once stopped', () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const client = new AbortController();
    watchAnswer(controller, client.signal, 5000)();
    client.abort();
    vi.advanceTimersByTime(10_000);
    expect(controller.signal.aborted).toBe(false);
  });
});
