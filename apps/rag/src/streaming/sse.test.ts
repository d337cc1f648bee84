import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeSse, RagStreamEvent } from '@classchat/contracts';
import { streamSse, type PushEvent } from './sse.js';

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

/** A response that takes frames until told it is full, as a slow client's does. */
class SlowResponse extends EventEmitter {
  statusCode = 0;
  writableEnded = false;
  full = false;
  readonly frames: string[] = [];
  setHeader(): void {}
  write(frame: string): boolean {
    this.frames.push(frame);
    return !this.full;
  }
  end(): void {
    this.writableEnded = true;
  }
}

describe('streamSse with events pushed by the source', () => {
  const options = (controller = new AbortController()) => ({
    keepaliveMs: 10_000,
    keepalive: () => ({ type: 'keepalive' }),
    controller,
  });

  it('writes pushed events at once, in order with the yielded ones', async () => {
    const res = new SlowResponse();
    await streamSse(
      res,
      async function* (push: PushEvent) {
        yield await Promise.resolve({ type: 'route', route: 'general_qa' });
        expect(push({ type: 'token', content: 'a' })).toBeUndefined();
        expect(push({ type: 'token', content: 'b' })).toBeUndefined();
        expect(res.frames).toHaveLength(3);
        yield { type: 'done' };
      },
      options(),
    );
    expect(res.frames.map((f) => (JSON.parse(f.slice('data: '.length)) as { type: string }).type)).toEqual([
      'route',
      'token',
      'token',
      'done',
    ]);
    expect(res.writableEnded).toBe(true);
  });

  it('answers a push the client cannot take yet with a promise that settles at drain', async () => {
    const res = new SlowResponse();
    let settled = false;
    let waited: Promise<void> | undefined;
    const streamed = streamSse(
      res,
      async function* (push: PushEvent) {
        yield { type: 'route', route: 'general_qa' };
        res.full = true;
        waited = push({ type: 'token', content: 'a' });
        void waited?.then(() => (settled = true));
        await waited;
        yield { type: 'done' };
      },
      options(),
    );
    await vi.waitFor(() => expect(waited).toBeInstanceOf(Promise));
    expect(settled).toBe(false);
    res.full = false;
    res.emit('drain');
    await streamed;
    expect(settled).toBe(true);
    expect(res.frames).toHaveLength(3);
  });

  it('settles a waiting push and aborts the source when the client goes away', async () => {
    const res = new SlowResponse();
    const controller = new AbortController();
    let waited: Promise<void> | undefined;
    const streamed = streamSse(
      res,
      async function* (push: PushEvent) {
        yield { type: 'route', route: 'general_qa' };
        res.full = true;
        waited = push({ type: 'token', content: 'a' });
        await waited;
      },
      options(controller),
    );
    await vi.waitFor(() => expect(waited).toBeInstanceOf(Promise));
    res.emit('close');
    await streamed;
    expect(controller.signal.aborted).toBe(true);
  });
});
