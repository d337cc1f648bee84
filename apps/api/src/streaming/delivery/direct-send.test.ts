import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TypedServer, TypedSocket } from '../../realtime/socket-server.js';
import type { ChatEvent } from '../events.js';
import { sendChatEvent } from './direct-send.js';

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
async function connected() {
  const http = createServer();
  const io: TypedServer = new Server(http, { connectionStateRecovery: {} });
  const serverSocket = new Promise<TypedSocket>((resolve) => io.on('connection', resolve));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ['websocket'],
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
