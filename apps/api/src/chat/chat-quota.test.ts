import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@classchat/testkit';
import {
  chat,
  connectSocket,
  createUser,
  errorBodyOf,
  errorOf,
  postChat,
  repositoriesOf,
  setChatCount,
  usage,
  type TestSocket,
  type TestUser,
} from './chat.test-helpers.js';

const LIMIT_MESSAGE = 'Free plan limit reached (25 chats/month). Upgrade to premium for unlimited chats.';

let stack: Stack;
const sockets: TestSocket[] = [];
const open = async (user: TestUser) => {
  const s = await connectSocket(stack, user);
  sockets.push(s);
  return s;
};

beforeAll(async () => {
  stack = await startStack();
});
afterEach(() => {
  stack.upstream!.reset();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await stack?.stop();
});

describe('free plan: 25 completed chats per UTC month', () => {
  it('the 25th chat succeeds and the count becomes 25; the 26th answers 403 with the message', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 24);
    const { end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(end.type).toBe('chat-stream-complete');
    expect(await usage(stack, user.id)).toEqual({ used: 25, reserved: 0 });

    const modelCalls = stack.upstream!.chatRequests.length;
    const refused = await postChat(stack, user, { message: 'One more?' });
    expect(refused.status).toBe(403);
    expect(errorBodyOf(refused.json)).toEqual({ message: LIMIT_MESSAGE, code: 'quota_exceeded' });
    expect(await usage(stack, user.id)).toEqual({ used: 25, reserved: 0 });
    // Refused before anything was written: no new session, and no model call.
    expect(await repositoriesOf(stack).sessions.list(user.id)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.upstream!.chatRequests.length).toBe(modelCalls);
  });

  it('a failed stream does not count', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 10);
    stack.upstream!.setDefault({ fail: { status: 500 } });
    const { end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(errorOf(end).retryable).toBe(true);
    expect(await usage(stack, user.id)).toEqual({ used: 10, reserved: 0 });
  });

  it('50 concurrent requests from a user at 24 → exactly one is accepted and the rest get 403', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 24);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        postChat(stack, user, { message: 'What is osmosis?', streamId: randomUUID() }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 403)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 403))
      expect(errorBodyOf(r.json).message).toBe(LIMIT_MESSAGE);
    const accepted = results.find((r) => r.status === 202)!.json as { streamId: string };
    await client.terminal(accepted.streamId);
    expect(await usage(stack, user.id)).toEqual({ used: 25, reserved: 0 });
  });

  it('a new UTC month starts from zero', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    await setChatCount(stack, user.id, 25, lastMonth);
    expect((await usage(stack, user.id)).used).toBe(0);
    const { end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(end.type).toBe('chat-stream-complete');
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
  });

  it('premium is unlimited', async () => {
    const user = await createUser(stack, { plan: 'premium' });
    const client = await open(user);
    await setChatCount(stack, user.id, 500);
    const { end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(end.type).toBe('chat-stream-complete');
    expect((await usage(stack, user.id)).used).toBe(501);
  });

  it('a request refused for another reason (404) gives the reservation back', async () => {
    const user = await createUser(stack);
    await setChatCount(stack, user.id, 24);
    const res = await postChat(stack, user, { message: 'hi', chatSessionId: randomUUID() });
    expect(res.status).toBe(404);
    expect(await usage(stack, user.id)).toEqual({ used: 24, reserved: 0 });
    const client = await open(user);
    const { end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(end.type).toBe('chat-stream-complete');
  });
});
