import { describe, expect, it } from 'vitest';
import { startEarly } from './chat-service.js';

describe('startEarly', () => {
  it('starts the source at once and hands its first result to the consumer, then the rest', async () => {
    const log: string[] = [];
    async function* source() {
      log.push('started');
      yield await Promise.resolve(1);
      yield 2;
    }
    const early = startEarly(source());
    await Promise.resolve();
    expect(log).toEqual(['started']);
    const seen: number[] = [];
    for await (const value of early) seen.push(value);
    expect(seen).toEqual([1, 2]);
  });

  it('swallows a first result nobody consumes (a refused chat) and passes return() through', async () => {
    let returned = false;
    const failing: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error('aborted')),
        return: () => {
          returned = true;
          return Promise.resolve({ done: true as const, value: undefined });
        },
      }),
    };
    const early = startEarly(failing);
    await new Promise((r) => setTimeout(r, 0));
    await early[Symbol.asyncIterator]().return?.();
    expect(returned).toBe(true);
  });
});
