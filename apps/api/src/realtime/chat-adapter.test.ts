import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type {
  ChatStreamTokenPayload,
  ClientToServerEvents,
  ServerToClientEvents,
} from '@classchat/contracts';
import { startStack, type Stack } from '@classchat/testkit';
import { createUser, repositoriesOf, startChat } from '../chat/chat.test-helpers.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface StoredPacket {
  data: unknown[];
}
const storedPackets = () =>
  (stack.api.ctx.realtime.io.of('/').adapter as unknown as { packets: StoredPacket[] }).packets;

describe('Socket.IO connection state recovery and chat tokens (one api process)', () => {
  it('keeps no token packets for recovery, and a socket that comes back mid-stream still gets every token', async () => {
    const user = await createUser(stack);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(stack.apiUrl, {
      auth: { token: user.token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 100,
    });
    try {
      await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
      const tokens: ChatStreamTokenPayload[] = [];
      socket.on('chat-stream-token', (p) => tokens.push(p));
      const ended = new Promise<string>((resolve) => {
        socket.on('chat-stream-complete', (p) => resolve(p.content));
        socket.on('chat-stream-error', (p) => resolve(`error: ${p.error}`));
      });
      const planned = Array.from({ length: 30 }, (_, i) => ` t${i}`);
      stack.upstream!.setDefault({ tokens: planned, tokenDelayMs: 30 });
      const accepted = await startChat(stack, user, { message: 'What is osmosis?', streamId: randomUUID() });
      while (tokens.length < 5) await new Promise((r) => setTimeout(r, 10));
      // Drop the transport (not a client disconnect): the client reconnects and recovers its session.
      socket.io.engine.close();
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      expect(socket.recovered).toBe(true);
      const content = await ended;
      const bySeq = new Map(
        tokens.filter((t) => t.streamId === accepted.streamId).map((t) => [t.seq, t.token]),
      );
      expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(planned.map((_, i) => i + 1));
      expect([...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t)).toEqual(planned);
      const saved = await repositoriesOf(stack).messages.list(user.id, accepted.chatSessionId);
      expect(saved.at(-1)!.content).toBe(content);

      const kept = storedPackets().map((p) => p.data[0]);
      expect(kept).toContain('chat-stream-complete');
      expect(kept).not.toContain('chat-stream-token');
    } finally {
      stack.upstream!.reset();
      socket.disconnect();
    }
  });
});
