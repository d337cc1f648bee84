import http2, { type Http2Server, type ServerHttp2Session } from 'node:http2';
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

let server: Http2Server | null = null;
let sessions = 0;
let lastSession: ServerHttp2Session | null = null;
const openSessions = new Set<ServerHttp2Session>();
/** How each stream of the stand-in closed: ended by the server, or reset by the client before that. */
let closeCodes: Array<'ended' | 'reset'> = [];
afterEach(async () => {
  for (const session of openSessions) session.destroy();
  openSessions.clear();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  sessions = 0;
  closeCodes = [];
});

/** A stand-in for rag's HTTP/2 stream endpoint writing the given groups of events, one write per group. */
async function ragWriting(groups: RagStreamEvent[][]): Promise<string> {
  server = http2.createServer();
  server.on('session', (session) => {
    sessions += 1;
    lastSession = session;
    openSessions.add(session);
  });
  server.on('stream', (stream) => {
    stream.once('close', () => closeCodes.push(stream.aborted ? 'reset' : 'ended'));
    stream.resume();
    stream.respond({ ':status': 200, 'content-type': 'text/event-stream' });
    let i = 0;
    const next = () => {
      const group = groups[i++];
      if (!group) return void stream.end();
      stream.write(group.map(encodeSse).join(''));
      setTimeout(next, 20);
    };
    next();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const body = {
  user_id: 'u',
  class_name: null,
  doc_id: null,
  user_query: 'q',
  chat_history: [],
  source: 'main_app' as const,
  session_id: 's',
};

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
    for await (const event of client.streamAnswer(body)) events.push(event);
    client.close();
    expect(events).toEqual([{ type: 'route', route: 'general_qa' }, token('abc'), token('d'), done]);
  });

  it('runs concurrent answers over one connection', async () => {
    const baseUrl = await ragWriting([[{ type: 'route', route: 'general_qa' }], [token('x')]]);
    const client = createRagClient({ baseUrl, internalToken: 't', logger: pino({ level: 'silent' }) });
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const events: RagStreamEvent[] = [];
        for await (const event of client.streamAnswer(body)) events.push(event);
        return events;
      }),
    );
    client.close();
    expect(answers.every((events) => events.length === 2)).toBe(true);
    expect(sessions).toBe(1);
  });

  it('lets a finished answer end its stream instead of resetting it (servers close connections that reset too often)', async () => {
    const done: RagStreamEvent = {
      type: 'done',
      content: 'x',
      citations: [],
      chunkReferences: [],
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    };
    // `done`, then the end of the stream a moment later, as rag sends them.
    const baseUrl = await ragWriting([[{ type: 'route', route: 'general_qa' }, token('x'), done]]);
    const client = createRagClient({ baseUrl, internalToken: 't', logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 3; i++) {
      // Like the relay: stop reading at the terminal event.
      for await (const event of client.streamAnswer(body)) if (event.type === 'done') break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.close();
    expect(closeCodes).toEqual(['ended', 'ended', 'ended']);
  });

  it('resets the stream when the reader stops before the answer ended', async () => {
    const baseUrl = await ragWriting([[{ type: 'route', route: 'general_qa' }], [token('x')], [token('y')]]);
    const client = createRagClient({ baseUrl, internalToken: 't', logger: pino({ level: 'silent' }) });
    for await (const event of client.streamAnswer(body)) if (event.type === 'route') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.close();
    expect(closeCodes).toEqual(['reset']);
  });

  it('opens a new connection when rag closed the old one (restart, GOAWAY)', async () => {
    const baseUrl = await ragWriting([[{ type: 'route', route: 'general_qa' }]]);
    const client = createRagClient({ baseUrl, internalToken: 't', logger: pino({ level: 'silent' }) });
    const answer = async () => {
      const events: RagStreamEvent[] = [];
      for await (const event of client.streamAnswer(body)) events.push(event);
      return events;
    };
    expect(await answer()).toHaveLength(1);
    lastSession!.goaway();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await answer()).toHaveLength(1);
    client.close();
    expect(sessions).toBe(2);
  });

  it('reports rag as unavailable when nothing listens', async () => {
    const baseUrl = await ragWriting([]);
    await new Promise((resolve) => server!.close(resolve));
    server = null;
    const client = createRagClient({ baseUrl, internalToken: 't', logger: pino({ level: 'silent' }) });
    const events = client.streamAnswer(body);
    await expect(events.next()).rejects.toMatchObject({ code: 'unavailable' });
    client.close();
  });
});
