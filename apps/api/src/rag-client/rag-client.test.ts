import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSse, type RagStreamEvent } from '@classchat/contracts';
import { coalesceTokens, createRagClient } from './rag-client.js';

const token = (content: string): RagStreamEvent => ({ type: 'token', content });

describe('coalesceTokens', () => {
  it('joins consecutive tokens and keeps every other event in its place', () => {
    expect(
      coalesceTokens([
        { type: 'route', route: 'general_qa' },
        token('a'),
        token('b'),
        { type: 'keepalive' },
        token('c'),
        token(''),
        token('d'),
      ]),
    ).toEqual([{ type: 'route', route: 'general_qa' }, token('ab'), { type: 'keepalive' }, token('cd')]);
  });
});

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

/** A stand-in for rag's stream endpoint that writes the given groups of events, one write per group. */
async function ragWriting(groups: RagStreamEvent[][]): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let i = 0;
    const next = () => {
      const group = groups[i++];
      if (!group) return void res.end();
      res.write(group.map(encodeSse).join(''));
      setTimeout(next, 20);
    };
    next();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('rag client: streamAnswer', () => {
  it('relays tokens that arrive in one read as one, and tokens that arrive apart as they come', async () => {
    const done: RagStreamEvent = {
      type: 'done',
      content: 'abcd',
      citations: [],
      chunkReferences: [],
      usage: { promptTokens: 1, completionTokens: 4, totalTokens: 5 },
    };
    const baseUrl = await ragWriting([
      [{ type: 'route', route: 'general_qa' }],
      [token('a'), token('b'), token('c')],
      [token('d')],
      [done],
    ]);
    const client = createRagClient({ baseUrl, internalToken: 't', logger: pino({ level: 'silent' }) });
    const events: RagStreamEvent[] = [];
    for await (const event of client.streamAnswer({
      user_id: 'u',
      class_name: null,
      doc_id: null,
      user_query: 'q',
      chat_history: [],
      source: 'main_app',
      session_id: 's',
    })) {
      events.push(event);
    }
    client.close();
    expect(events).toEqual([{ type: 'route', route: 'general_qa' }, token('abc'), token('d'), done]);
  });
});
