import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@classchat/testkit';
import { startApi, type RunningApi } from '../server.js';
import {
  chat,
  completeOf,
  connectSocket,
  createUser,
  postChat,
  seedDocument,
  until,
  usage,
  type TestSocket,
  type TestUser,
} from './chat.test-helpers.js';

// Two api processes on one database, as in production behind a load balancer: the stack's api, and a
// second instance of the same configuration (no Redis: they share nothing but the database).
let stack: Stack;
let second: RunningApi;
let other: Stack;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await startStack();
  second = await startApi({ ...stack.api.ctx.config, PORT: 0 });
  other = { ...stack, apiUrl: second.url, api: second };
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await stack.upstream?.waitForIdle();
  stack.upstream?.reset();
});
afterAll(async () => {
  await second?.stop();
  await stack?.stop();
});

/** A student with a session whose first answer is saved. */
async function answeredSession(name: string, plan: 'free' | 'premium' = 'free') {
  const user = await createUser(stack, { name, plan });
  const { classId } = await seedDocument(stack, user.id);
  const socket = await connectSocket(stack, user);
  sockets.push(socket);
  stack.upstream!.enqueue({ reply: 'Mitochondria make ATP.' });
  const first = await chat(stack, user, socket, { message: 'What do mitochondria do?', classId });
  completeOf(first.end);
  return { user, sessionId: first.accepted.chatSessionId, answerId: completeOf(first.end).messageId };
}

async function cancel(on: Stack, user: TestUser, streamId: string) {
  const res = await fetch(`${on.apiUrl}/api/v1/chat/streams/${streamId}/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}` },
  });
  expect(res.status).toBe(202);
}

/** Resolves once no answer holds the session and the user has no chat reserved. */
const settled = (user: TestUser, sessionId: string) =>
  until(async () => {
    const running = await stack.api.ctx.repos.answers.running(sessionId);
    return running === null && (await usage(stack, user.id)).reserved === 0;
  });

describe('one running answer per session, across api processes', () => {
  it('refuses a retry or a question sent to another api process while this one writes the session’s answer (409)', async () => {
    const { user, sessionId } = await answeredSession('two-tabs');
    stack.upstream!.enqueue({ hang: true });
    const follow = await postChat(stack, user, { message: 'Tell me more', chatSessionId: sessionId });
    expect(follow.status).toBe(202);
    const { streamId } = follow.json as { streamId: string };

    for (const [on, body] of [
      [other, { retry: true, chatSessionId: sessionId }],
      [other, { message: 'And then?', chatSessionId: sessionId }],
      [stack, { retry: true, chatSessionId: sessionId }],
    ] as const) {
      expect(await postChat(on, user, body)).toMatchObject({ status: 409, json: { code: 'conflict' } });
    }
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 1 });

    await cancel(stack, user, streamId);
    await settled(user, sessionId);
    stack.upstream!.enqueue({ reply: 'Once more, from the other process.' });
    expect((await postChat(other, user, { retry: true, chatSessionId: sessionId })).status).toBe(202);
    await settled(user, sessionId);
    expect(await usage(stack, user.id)).toEqual({ used: 2, reserved: 0 });
  });

  it('gives exactly one of 50 parallel retries, spread over both processes, a running answer', async () => {
    // Premium: 50 reservations at once would pass a free plan's limit, and this is not about quota.
    const { user, sessionId, answerId } = await answeredSession('retry-storm', 'premium');
    stack.upstream!.setDefault({ hang: true });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postChat(i % 2 ? other : stack, user, { retry: true, chatSessionId: sessionId }).then((r) => ({
          ...r,
          on: i % 2 ? other : stack,
        })),
      ),
    );
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 1 });
    expect(await stack.api.ctx.repos.answers.running(sessionId)).toBe(
      (accepted[0]!.json as { streamId: string }).streamId,
    );

    await cancel(accepted[0]!.on, user, (accepted[0]!.json as { streamId: string }).streamId);
    await settled(user, sessionId);
    const answer = await stack.api.ctx.repos.messages.getForUser(user.id, sessionId, answerId);
    expect(answer!.versions).toHaveLength(1);
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
  });
});
