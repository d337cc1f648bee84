import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents, StreamAck } from '@classchat/contracts';
import type { TypedServer } from '../../realtime/socket-server.js';
import { createStreamControls } from '../controls/stream-controls.js';
import type { ChatEvent } from '../events.js';
import { StreamRegistry } from '../registry.js';
import { createMemoryReplayStore, type ReplayStore } from '../replay/index.js';
import { sendChatEvent } from './direct-send.js';
import { createStreamDelivery, type DeliverySocket } from './stream-delivery.js';

const userId = 'u1';
const sessionId = '00000000-0000-4000-8000-0000000000aa';

async function seed(replay: ReplayStore, streamId: string, tokens: number, ended = true): Promise<void> {
  await replay.append(streamId, userId, { type: 'chat-stream-start', sessionId, streamId, route: 'summary' });
  for (let seq = 1; seq <= tokens; seq++) {
    await replay.append(streamId, userId, {
      type: 'chat-stream-token',
      sessionId,
      streamId,
      seq,
      token: 'x',
    });
  }
  if (ended) {
    await replay.append(streamId, userId, {
      type: 'chat-stream-error',
      sessionId,
      streamId,
      error: 'x',
      code: 'internal',
      retryable: true,
    });
  }
}

/** Counts what the server sends, per event-loop turn (a `setImmediate` probe samples the count). */
function loopProbe(count: () => number) {
  let last = count();
  let maxPerTurn = 0;
  let stopped = false;
  const tick = () => {
    const now = count();
    maxPerTurn = Math.max(maxPerTurn, now - last);
    last = now;
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => void (stopped = true),
    get maxPerTurn() {
      return maxPerTurn;
    },
  };
}

interface Harness {
  url: string;
  replay: ReplayStore;
  sent: () => number;
  /** What the server had sent when it answered each /healthz. */
  healthAt: number[];
  client(): Promise<ClientSocket<ServerToClientEvents, ClientToServerEvents>>;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Socket.IO and a /healthz on one HTTP server, with the stream controls over a memory buffer. */
async function harness(batchSize: number): Promise<Harness> {
  let sent = 0;
  const healthAt: number[] = [];
  const http: HttpServer = createServer((req, res) => {
    if (req.url === '/healthz') healthAt.push(sent);
    res.end('ok');
  });
  const io: TypedServer = new Server(http, { connectionStateRecovery: {} });
  io.use((socket, next) => {
    socket.data.userId = userId;
    next();
  });
  const replay = createMemoryReplayStore({ ttlSeconds: 60 });
  createStreamControls({
    streams: new StreamRegistry(),
    realtime: { io, onConnection: (handler) => void io.on('connection', handler) },
    replay,
    logger: pino({ level: 'silent' }),
    delivery: {
      batchSize,
      send: (socket, event) => {
        sent++;
        sendChatEvent(socket, event);
      },
    },
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const sockets: ClientSocket[] = [];
  closers.push(async () => {
    for (const s of sockets) s.disconnect();
    await new Promise<void>((resolve) => void io.close(() => resolve()));
  });
  return {
    url,
    replay,
    sent: () => sent,
    healthAt,
    async client() {
      const socket: ClientSocket<ServerToClientEvents, ClientToServerEvents> = connect(url, {
        transports: ['websocket'],
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      return socket;
    },
  };
}

describe('replay of a large buffer', () => {
  it('sends a 20,000-event buffer in batches that let /healthz through, each seq once', async () => {
    const h = await harness(256);
    const streamId = randomUUID();
    await seed(h.replay, streamId, 19_998);
    const socket = await h.client();
    const seqs: number[] = [];
    let others = 0;
    socket.on('chat-stream-token', (p) => seqs.push(p.seq));
    socket.on('chat-stream-start', () => others++);
    socket.on('chat-stream-error', () => others++);

    const probe = loopProbe(h.sent);
    const acked = socket.timeout(30_000).emitWithAck('chat-stream-resume', { streamId, afterSeq: 0 });
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await acked).toEqual({ ok: true, found: true });
    probe.stop();

    expect(h.sent()).toBe(20_000);
    // /healthz was answered while the replay was under way, and no loop turn sent more than a batch.
    expect(h.healthAt[0]).toBeLessThan(20_000);
    expect(probe.maxPerTurn).toBeLessThanOrEqual(256);
    await until(() => seqs.length + others === 20_000);
    expect(new Set(seqs).size).toBe(19_998);
    expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
  });
});

describe('resume limits', () => {
  it('a flood of 2,000 resumes from 0 is cut to a few replays; the rest are refused at once', async () => {
    const h = await harness(256);
    const streamId = randomUUID();
    await seed(h.replay, streamId, 1_000);
    const socket = await h.client();
    let tokens = 0;
    socket.on('chat-stream-token', () => tokens++);

    const probe = loopProbe(h.sent);
    const acks = Array.from({ length: 2_000 }, () =>
      socket.timeout(30_000).emitWithAck('chat-stream-resume', { streamId, afterSeq: 0 }),
    );
    const health = await fetch(`${h.url}/healthz`);
    const answers = (await Promise.all(acks)) as StreamAck[];
    probe.stop();

    expect(health.status).toBe(200);
    const accepted = answers.filter((a) => a.ok).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(10);
    expect(answers.filter((a) => !a.ok)).toHaveLength(2_000 - accepted);
    // Unlimited, that would be 2,000 × 1,002 events; a newer replay also supersedes an older one.
    expect(h.sent()).toBeLessThanOrEqual(accepted * 1_002);
    expect(probe.maxPerTurn).toBeLessThanOrEqual(256);
    await until(() => tokens >= 1_000);
  });
});

describe('live delivery', () => {
  const fakeSocket = (id: string, user = userId) => {
    const socket = {
      id,
      data: { userId: user, sessionExpiresAt: 0 },
      emit: () => true,
      on: () => socket,
    } as unknown as DeliverySocket;
    return { socket };
  };

  it("reaches the user's sockets connected at the start, not another user's, not one that joined later", () => {
    const replay = createMemoryReplayStore({ ttlSeconds: 60 });
    const got = new Map<string, ChatEvent[]>();
    const delivery = createStreamDelivery({
      replay,
      logger: pino({ level: 'silent' }),
      send: (socket, event) => got.set(socket.id, [...(got.get(socket.id) ?? []), event]),
    });
    const a = fakeSocket('a');
    const other = fakeSocket('o', 'u2');
    delivery.connect(a.socket);
    delivery.connect(other.socket);
    const streamId = randomUUID();
    delivery.deliver(userId, { type: 'chat-stream-start', sessionId, streamId, route: 'summary' });
    const late = fakeSocket('late');
    delivery.connect(late.socket);
    delivery.deliver(userId, { type: 'chat-stream-token', sessionId, streamId, seq: 1, token: 'x' });
    expect(got.get('a')?.map((e) => e.type)).toEqual(['chat-stream-start', 'chat-stream-token']);
    expect(got.get('o')).toBeUndefined();
    expect(got.get('late')).toBeUndefined();
    expect(delivery.stats()).toEqual({ sockets: 2, watches: 1 });
  });

  it('a stream that fails before it starts: its end, its first event, reaches every socket of the user', () => {
    const got: string[] = [];
    const delivery = createStreamDelivery({
      replay: createMemoryReplayStore({ ttlSeconds: 60 }),
      logger: pino({ level: 'silent' }),
      send: (socket, event) => got.push(`${socket.id}:${event.type}`),
    });
    delivery.connect(fakeSocket('a').socket);
    delivery.connect(fakeSocket('b').socket);
    const streamId = randomUUID();
    const failed: ChatEvent = {
      type: 'chat-stream-error',
      sessionId,
      streamId,
      error: 'x',
      code: 'unavailable',
      retryable: true,
    };
    delivery.deliver(userId, failed, true);
    expect(got).toEqual(['a:chat-stream-error', 'b:chat-stream-error']);
    expect(delivery.stats().watches).toBe(0);
  });
});

describe('a replay whose socket leaves', () => {
  it('stops after the batch in flight', async () => {
    const replay = createMemoryReplayStore({ ttlSeconds: 60 });
    const streamId = randomUUID();
    await seed(replay, streamId, 2_000);
    const onDisconnect: Array<() => void> = [];
    const socket = {
      id: 's',
      data: { userId, sessionExpiresAt: 0 },
      emit: () => true,
      on: (event: string, handler: () => void) => {
        if (event === 'disconnect') onDisconnect.push(handler);
      },
    } as unknown as DeliverySocket;
    let sent = 0;
    const delivery = createStreamDelivery({
      replay,
      logger: pino({ level: 'silent' }),
      batchSize: 100,
      send: () => {
        if (++sent === 100) for (const handler of onDisconnect) handler();
      },
    });
    delivery.connect(socket);
    expect(await delivery.resume(socket, streamId, 0)).toEqual({ ok: true, found: true });
    expect(sent).toBe(100);
    expect(delivery.stats()).toEqual({ sockets: 0, watches: 0 });
  });
});

describe('a lost live event, a lost owner', () => {
  const socket = (id: string) =>
    ({
      id,
      data: { userId, sessionExpiresAt: 0 },
      emit: () => true,
      on: () => undefined,
    }) as unknown as DeliverySocket;
  const token = (streamId: string, seq: number): ChatEvent => ({
    type: 'chat-stream-token',
    sessionId,
    streamId,
    seq,
    token: `t${seq}`,
  });
  const seqsOf = (events: ChatEvent[]) =>
    events.map((e) => (e.type === 'chat-stream-token' ? e.seq : e.type.replace('chat-stream-', '')));

  it('a token that skips a seq makes the socket read the buffer: it gets every seq once, in order', async () => {
    const replay = createMemoryReplayStore({ ttlSeconds: 60 });
    const got: ChatEvent[] = [];
    const delivery = createStreamDelivery({
      replay,
      logger: pino({ level: 'silent' }),
      send: (_s, e) => got.push(e),
    });
    delivery.connect(socket('a'));
    const streamId = randomUUID();
    await seed(replay, streamId, 3, false);
    delivery.deliver(userId, { type: 'chat-stream-start', sessionId, streamId, route: 'summary' });
    delivery.deliver(userId, token(streamId, 1));
    delivery.deliver(userId, token(streamId, 3)); // 2 never came live
    await until(() => got.length === 4);
    await replay.append(streamId, userId, token(streamId, 4));
    delivery.deliver(userId, token(streamId, 4));
    expect(seqsOf(got)).toEqual(['start', 1, 2, 3, 4]);
  });

  it('a quiet stream running elsewhere whose owner lost its lease ends as interrupted, recorded in the buffer', async () => {
    const memory = createMemoryReplayStore({ ttlSeconds: 60 });
    const orphaned: ReplayStore = {
      ...memory,
      read: async (...args) => {
        const read = await memory.read(...args);
        return read && { ...read, ownerAlive: read.ended };
      },
    };
    let clock = 0;
    const got: ChatEvent[] = [];
    const delivery = createStreamDelivery({
      replay: orphaned,
      logger: pino({ level: 'silent' }),
      send: (_s, e) => got.push(e),
      runsHere: () => false,
      ownerCheckMs: 1_000,
      now: () => clock,
    });
    delivery.connect(socket('a'));
    const streamId = randomUUID();
    await seed(memory, streamId, 2, false);
    delivery.deliver(userId, { type: 'chat-stream-start', sessionId, streamId, route: 'summary' });
    delivery.deliver(userId, token(streamId, 1));
    delivery.deliver(userId, token(streamId, 2));
    await delivery.checkOwners();
    expect(seqsOf(got)).toEqual(['start', 1, 2]); // not quiet for long enough yet
    clock += 1_000;
    await delivery.checkOwners();
    expect(seqsOf(got)).toEqual(['start', 1, 2, 'error']);
    expect(got.at(-1)).toMatchObject({ code: 'stream_interrupted', retryable: true });
    expect((await memory.read(streamId, userId, 2))!.events.at(-1)).toMatchObject({
      code: 'stream_interrupted',
    });
    expect(delivery.stats().watches).toBe(0);
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
