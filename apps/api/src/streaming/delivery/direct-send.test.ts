import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TypedServer, TypedSocket } from '../../realtime/socket-server.js';
import type { ChatEvent } from '../events.js';
import { encodeEventPacket, sendChatEvent, textFrame } from './direct-send.js';

const token = (seq: number): ChatEvent => ({
  type: 'chat-stream-token',
  sessionId: '00000000-0000-4000-8000-0000000000aa',
  streamId: '00000000-0000-4000-8000-0000000000bb',
  seq,
  token: `t${seq}`,
});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A Socket.IO server with connection state recovery on, one connected client, and its server-side socket. */
async function connected(transport: 'websocket' | 'polling' = 'websocket') {
  const http = createServer();
  const io: TypedServer = new Server(http, { connectionStateRecovery: {} });
  const serverSocket = new Promise<TypedSocket>((resolve) => io.on('connection', resolve));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: [transport],
    forceNew: true,
  });
  closers.push(async () => {
    client.disconnect();
    await new Promise<void>((resolve) => void io.close(() => resolve()));
  });
  const received: unknown[][] = [];
  client.onAny((name: string, ...args: unknown[]) => received.push([name, ...args]));
  const socket = await serverSocket;
  const broadcast = vi.spyOn(io.of('/').adapter, 'broadcast');
  const arrived = (n: number) => vi.waitFor(() => expect(received).toHaveLength(n));
  return { socket, received, broadcast, arrived };
}

describe('sendChatEvent', () => {
  it('writes chat events to the socket without handing them to the adapter for recovery', async () => {
    const { socket, received, broadcast, arrived } = await connected();

    for (const seq of [1, 2, 3]) sendChatEvent(socket, token(seq));
    await arrived(3);

    expect(broadcast).not.toHaveBeenCalled();
    // Exactly the payload: no recovery offset appended as an extra argument.
    expect(received).toEqual(
      [1, 2, 3].map((seq) => {
        const { type, ...payload } = token(seq);
        return [type, payload];
      }),
    );
  });

  it('differs from a plain emit, which recovery keeps (and the adapter would publish)', async () => {
    const { socket, received, broadcast, arrived } = await connected();

    const { type, ...payload } = token(1) as Extract<ChatEvent, { type: 'chat-stream-token' }>;
    socket.emit(type, payload);
    await arrived(1);

    expect(broadcast).toHaveBeenCalledTimes(1);
    expect(received[0]).toHaveLength(3);
  });
});

const complete = (content: string): ChatEvent => ({
  type: 'chat-stream-complete',
  sessionId: '00000000-0000-4000-8000-0000000000aa',
  streamId: '00000000-0000-4000-8000-0000000000bb',
  messageId: '00000000-0000-4000-8000-0000000000cc',
  content,
  citations: [],
  chunkReferences: [],
  versions: [],
  currentVersion: 1,
  status: 'complete',
});

const asReceived = (event: ChatEvent) => {
  const { type, ...payload } = event;
  return [type, payload];
};

describe('the encoded chat event', () => {
  it('is an event packet of its namespace, as socket.io-parser writes one', () => {
    const payload = { seq: 1, token: 'a "b"' };
    expect(encodeEventPacket('/', 'chat-stream-token', payload)).toBe(
      '2["chat-stream-token",{"seq":1,"token":"a \\"b\\""}]',
    );
    expect(encodeEventPacket('/admin', 'x', {})).toBe('2/admin,["x",{}]');
  });

  it('is framed with the length form its size needs', () => {
    for (const [text, header] of [
      ['x'.repeat(125), 2],
      ['x'.repeat(126), 4],
      ['x'.repeat(0x10000), 10],
    ] as const) {
      const frame = textFrame(text);
      expect(frame).toHaveLength(header + text.length);
      expect(frame[0]).toBe(0x81);
      expect(frame.subarray(header).toString('utf8')).toBe(text);
    }
    expect(textFrame('【1】').subarray(2).toString('utf8')).toBe('【1】');
  });

  it('reaches a WebSocket client whole at every size, multi-byte text included', async () => {
    const { socket, received, arrived } = await connected();
    const events = [token(1), complete('é【1】'.repeat(30)), complete('a【2】'.repeat(20_000)), token(2)];

    for (const event of events) sendChatEvent(socket, event);
    await arrived(events.length);

    expect(received).toEqual(events.map(asReceived));
  });

  it('reaches a long-polling client, which Engine.IO encodes for', async () => {
    const { socket, received, arrived } = await connected('polling');

    for (const event of [token(1), complete('done【1】'), token(2)]) sendChatEvent(socket, event);
    await arrived(3);

    expect(received).toEqual([token(1), complete('done【1】'), token(2)].map(asReceived));
  });

  it('leaves on the WebSocket as one buffer per event, not a header and a payload gathered', async () => {
    const { socket, arrived } = await connected();
    const transport = socket.conn.transport as unknown as { socket: { _socket: Socket } };
    const tcp = transport.socket._socket;
    const write = vi.spyOn(tcp, 'write');
    const writev = vi.spyOn(tcp, '_writev' as never);

    for (const seq of [1, 2, 3]) sendChatEvent(socket, token(seq));
    await arrived(3);

    expect(writev).not.toHaveBeenCalled();
    expect(write).toHaveBeenCalledTimes(3);
    expect(write.mock.calls.map(([data]) => Buffer.isBuffer(data))).toEqual([true, true, true]);
  });
});
