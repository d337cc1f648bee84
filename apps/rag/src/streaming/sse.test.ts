import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSse, RagStreamEvent } from '@classchat/contracts';
import { streamSse } from './sse.js';

type CountedSocket = Socket & {
  _write: (...args: unknown[]) => unknown;
  _writev: (...args: unknown[]) => unknown;
};

/** Counts the socket-level writes (one syscall each) a response makes. */
function countWrites(socket: Socket): { readonly count: number } {
  const counted = socket as CountedSocket;
  const counter = { count: 0 };
  const write = counted._write.bind(socket);
  const writev = counted._writev.bind(socket);
  counted._write = (...args) => {
    counter.count += 1;
    return write(...args);
  };
  counted._writev = (...args) => {
    counter.count += 1;
    return writev(...args);
  };
  return counter;
}

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe('streamSse', () => {
  // Node's HTTP response corks its socket until the next tick; streamSse must keep writing frames
  // synchronously as events come, so that tokens arriving together share one syscall.
  it('sends frames written in the same tick in one socket write, and a lone frame at once', async () => {
    const writes: number[] = [];
    let counter: { readonly count: number } = { count: 0 };
    const app = express();
    app.post('/stream', async (_req, res) => {
      counter = countWrites(res.socket!);
      async function* events(): AsyncGenerator<RagStreamEvent> {
        yield { type: 'route', route: 'general_qa' };
        await sleep(30);
        writes.push(counter.count);
        // Three tokens together (as when several arrive in one network read), then a lone one.
        yield { type: 'token', content: 'a' };
        yield { type: 'token', content: 'b' };
        yield { type: 'token', content: 'c' };
        await sleep(30);
        writes.push(counter.count);
        yield { type: 'token', content: 'd' };
        await sleep(0);
        writes.push(counter.count);
      }
      await streamSse(res, events(), {
        keepaliveMs: 10_000,
        keepalive: () => ({ type: 'keepalive' }),
        controller: new AbortController(),
      });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;

    const res = await fetch(`http://127.0.0.1:${port}/stream`, { method: 'POST' });
    const received: RagStreamEvent[] = [];
    for await (const event of decodeSse(res.body!, RagStreamEvent)) received.push(event);

    expect(received.map((e) => (e.type === 'token' ? e.content : e.type))).toEqual([
      'route',
      'a',
      'b',
      'c',
      'd',
    ]);
    const [beforeBurst, afterBurst, afterLone] = writes as [number, number, number];
    expect(afterBurst - beforeBurst).toBe(1);
    expect(afterLone - afterBurst).toBe(1);
  });
});
