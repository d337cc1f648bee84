import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import { SOCKET_TOO_MANY_ERROR } from '@classchat/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@classchat/testkit';
import { connectSocket, waitFor, type TestUser } from '../testing/api-client.js';
import { startStackWithAliceAndBob } from '../testing/stack.test-helpers.js';
import { MAX_SOCKETS_PER_USER } from './socket-server.js';

let stack: Stack, alice: TestUser, bob: TestUser;
beforeAll(async () => {
  ({ stack, alice, bob } = await startStackWithAliceAndBob());
});
afterAll(async () => {
  await stack?.stop();
});

/** Connects with the given options; resolves 'connected' or the connect_error's data. */
function attempt(
  options: Parameters<typeof io>[1],
): Promise<'connected' | { message: string; data: unknown }> {
  const socket = io(stack.apiUrl, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.disconnect();
      resolve({ message: err.message, data: err.data });
    });
  });
}

describe('Socket.IO handshake authentication', () => {
  it('accepts the session token in auth, or the session cookie', async () => {
    expect(await attempt({ auth: { token: alice.token } })).toBe('connected');
    expect(await attempt({ extraHeaders: { cookie: `cc_session=${alice.token}` } })).toBe('connected');
  });

  it('refuses a socket without a valid token with connect_error code "unauthorized"', async () => {
    const key = new TextEncoder().encode('test-jwt-secret');
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(alice.id)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const [h, , s] = alice.token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: bob.id, exp: 9999999999 })).toString('base64url')}.${s}`;
    for (const options of [
      {},
      { auth: { token: '' } },
      { auth: { token: 'garbage' } },
      { auth: { token: expired } },
      { auth: { token: tampered } },
      { extraHeaders: { cookie: `cc_session=${tampered}` } },
      // A token in the query string is never looked at.
      { query: { token: alice.token } },
      { query: { auth: alice.token, cc_session: alice.token } },
    ]) {
      const result = await attempt(options);
      expect(result, JSON.stringify(options)).toMatchObject({ data: { code: 'unauthorized' } });
    }
  });
});

describe('sockets per user', () => {
  /** A socket of `token`, or null when the server refused it before it connected. */
  const open = (token: string) => connectSocket(stack.apiUrl, token).catch(() => null);

  /** Whether a new socket of this token is kept: it gets an answer to a request, or is closed first. */
  async function kept(token: string): Promise<boolean> {
    const s = await open(token);
    if (!s) return false;
    try {
      const closed = new Promise<false>((resolve) => s.socket.once('disconnect', () => resolve(false)));
      const answered = s.socket
        .emitWithAck('chat-stream-resume', { streamId: crypto.randomUUID(), afterSeq: 0 })
        .then(() => true);
      return await Promise.race([answered, closed]);
    } finally {
      s.close();
    }
  }

  it(`keeps at most ${MAX_SOCKETS_PER_USER} of one user's sockets open; others connect meanwhile`, async () => {
    const opened = await Promise.all(
      Array.from({ length: MAX_SOCKETS_PER_USER + 5 }, () => open(alice.token)),
    );
    const sockets = opened.filter((s) => s !== null);
    try {
      await waitFor(
        () => sockets.filter((s) => s.socket.connected).length === MAX_SOCKETS_PER_USER,
        'the sockets past the limit to be closed',
      );
      expect(await attempt({ auth: { token: alice.token } })).toMatchObject({
        data: { code: SOCKET_TOO_MANY_ERROR },
      });
      expect(await kept(bob.token)).toBe(true);
    } finally {
      for (const s of sockets) s.close();
    }
    // Closed sockets no longer count.
    await waitFor(() => kept(alice.token), "a new socket of Alice's to be kept");
  });
});

describe('sockets per user across api processes', () => {
  // Not done yet: with REDIS_URL the limit is still per api process (N processes: N × the limit).
  // Wanted: two api instances on one Redis refuse the user's socket past the limit whichever
  // process it reaches; a process that dies frees its sockets' share within a heartbeat's TTL; with
  // Redis down each process counts its own sockets again.
  it.todo(
    `keeps at most ${MAX_SOCKETS_PER_USER} of one user's sockets open over two api processes sharing Redis`,
  );
});

describe('session expiry', () => {
  it('closes a socket when the token it connected with expires', async () => {
    const key = new TextEncoder().encode('test-jwt-secret');
    const expiresAt = Math.ceil(Date.now() / 1000) + 2;
    const shortLived = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(alice.id)
      .setExpirationTime(expiresAt)
      .sign(key);
    const socket = io(stack.apiUrl, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: shortLived },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect(reason).toBe('io server disconnect');
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000 - 50);
      // Reconnecting with the now expired token is refused.
      socket.connect();
      const refused = await new Promise<Error & { data?: unknown }>((resolve) =>
        socket.once('connect_error', resolve),
      );
      expect(refused.data).toMatchObject({ code: 'unauthorized' });
    } finally {
      socket.disconnect();
    }
  });
});

describe('rooms', () => {
  it("an event for one user reaches every socket of that user and no one else's", async () => {
    const [a1, a2, b] = await Promise.all([
      connectSocket(stack.apiUrl, alice.token),
      connectSocket(stack.apiUrl, alice.token),
      connectSocket(stack.apiUrl, bob.token),
    ]);
    try {
      const docId = crypto.randomUUID();
      stack.api.ctx.realtime.toUser(alice.id).emit('document-ready', { docId, pageCount: 1, chunkCount: 1 });
      await waitFor(() => a1.events.length === 1 && a2.events.length === 1, 'both of Alice’s sockets');
      await new Promise((r) => setTimeout(r, 100));
      expect(a1.events).toEqual([
        { event: 'document-ready', payload: { docId, pageCount: 1, chunkCount: 1 } },
      ]);
      expect(b.events).toEqual([]);
    } finally {
      for (const s of [a1, a2, b]) s.close();
    }
  });
});
