import { describe, expect, it } from 'vitest';
import { withKeepalive } from './keepalive.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function* slow(items: Array<[number, string]>) {
  for (const [wait, item] of items) {
    await sleep(wait);
    yield item;
  }
}

describe('withKeepalive', () => {
  it('passes items through and inserts keepalives during silences', async () => {
    const out: string[] = [];
    for await (const item of withKeepalive(
      slow([
        [0, 'a'],
        [130, 'b'],
        [0, 'c'],
      ]),
      50,
      () => 'ka',
    ))
      out.push(item);
    expect(out[0]).toBe('a');
    expect(out.slice(-2)).toEqual(['b', 'c']);
    const keepalives = out.filter((i) => i === 'ka').length;
    expect(keepalives).toBeGreaterThanOrEqual(1);
    expect(keepalives).toBeLessThanOrEqual(3);
  });

  it('sends no keepalive when items keep coming', async () => {
    const out: string[] = [];
    for await (const item of withKeepalive(
      slow([
        [0, 'a'],
        [5, 'b'],
        [5, 'c'],
      ]),
      200,
      () => 'ka',
    ))
      out.push(item);
    expect(out).toEqual(['a', 'b', 'c']);
  });

  it('propagates errors of the source', async () => {
    async function* failing() {
      yield 1;
      await sleep(1);
      throw new Error('boom');
    }
    const out: number[] = [];
    await expect(async () => {
      for await (const item of withKeepalive(failing(), 50, () => 0)) out.push(item);
    }).rejects.toThrow('boom');
    expect(out).toEqual([1]);
  });

  it('closes the source when the consumer breaks, and calls onAbandon when it is busy', async () => {
    let closed = false;
    async function* source() {
      try {
        yield 'a';
        await sleep(200);
        yield 'b';
      } finally {
        closed = true;
      }
    }
    let abandoned = 0;
    for await (const item of withKeepalive(
      source(),
      20,
      () => 'ka',
      () => abandoned++,
    )) {
      if (item === 'ka') break;
    }
    expect(abandoned).toBe(1);
    await sleep(250);
    expect(closed).toBe(true);

    closed = false;
    for await (const item of withKeepalive(
      source(),
      1000,
      () => 'ka',
      () => abandoned++,
    )) {
      if (item === 'a') break;
    }
    expect(closed).toBe(true);
    expect(abandoned).toBe(1);
  });
});
