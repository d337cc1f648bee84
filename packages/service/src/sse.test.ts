import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSseWriter, SSE_COMMENT_KEEPALIVE, type SseWriter } from './sse.js';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

/** A server whose one request hands its response to `handle`; the client reads the raw body. */
async function serve(handle: (res: ServerResponse) => void) {
  const server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  const { port } = server.address() as AddressInfo;
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
  const decoder = new TextDecoder();
  let body = '';
  /** Reads until `predicate(body)` holds (or the body ends); the body so far. */
  const readUntil = async (predicate: (text: string) => boolean) => {
    while (!predicate(body)) {
      const { done, value } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
    }
    return body;
  };
  return { res, readUntil, abort: () => controller.abort() };
}

describe('openSseWriter', () => {
  it('sends the SSE headers at once, frames as they come, and ends the response', async () => {
    let sse: SseWriter | undefined;
    const client = await serve((res) => {
      sse = openSseWriter(res, { keepaliveMs: 60_000, headers: { 'x-stream-id': 's1' } });
    });
    expect(client.res.status).toBe(200);
    expect(client.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(client.res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(client.res.headers.get('x-accel-buffering')).toBe('no');
    expect(client.res.headers.get('x-stream-id')).toBe('s1');
    expect(await sse!.send('data: 1\n\n')).toBe(true);
    await client.readUntil((b) => b.includes('data: 1'));
    sse!.end('data: 2\n\n');
    expect(sse!.closed).toBe(true);
    expect(await sse!.send('data: 3\n\n')).toBe(false);
    expect(await client.readUntil(() => false)).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('writes the keepalive after each silence of keepaliveMs, and never once the stream ended', async () => {
    let sse: SseWriter | undefined;
    const client = await serve((res) => {
      sse = openSseWriter(res, { keepaliveMs: 40, keepalive: 'data: {"type":"keepalive"}\n\n' });
    });
    const keepalives = (b: string) => b.split('keepalive').length - 1;
    await client.readUntil((b) => keepalives(b) >= 2);
    await sse!.send('data: 1\n\n');
    await client.readUntil((b) => b.includes('data: 1') && keepalives(b.slice(b.indexOf('data: 1'))) >= 1);
    sse!.end();
    const body = await client.readUntil(() => false);
    expect(body.startsWith('data: {"type":"keepalive"}\n\ndata: {"type":"keepalive"}\n\n')).toBe(true);
    expect(body.endsWith('data: {"type":"keepalive"}\n\n')).toBe(true);
  });

  it('keeps alive with an SSE comment by default', async () => {
    const client = await serve((res) => void openSseWriter(res, { keepaliveMs: 20 }));
    expect(await client.readUntil((b) => b.length > 0)).toBe(SSE_COMMENT_KEEPALIVE);
    client.abort();
  });

  it('tells when the client goes away before the end, and stops writing', async () => {
    let sse: SseWriter | undefined;
    let gone: () => void = () => {};
    const left = new Promise<void>((resolve) => (gone = resolve));
    const client = await serve((res) => {
      sse = openSseWriter(res, { keepaliveMs: 20, onClose: gone });
    });
    await client.readUntil((b) => b.length > 0);
    client.abort();
    await left;
    expect(sse!.closed).toBe(true);
    expect(await sse!.send('data: late\n\n')).toBe(false);
  });
});
