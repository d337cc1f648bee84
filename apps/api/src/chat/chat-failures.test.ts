import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Stack } from '@classchat/testkit';
import {
  chat,
  connectSocket,
  createUser,
  errorOf,
  repositoriesOf,
  setChatCount,
  sharedChatStack,
  startChat,
  usage,
  type TestUser,
} from './chat.test-helpers.js';

/** The stream ended in a retryable error; nothing was saved and nothing was charged. */
async function expectCleanFailure(stack: Stack, user: TestUser, sessionId: string, countBefore: number) {
  const rows = await repositoriesOf(stack).messages.list(user.id, sessionId);
  expect(rows.map((m) => m.role)).toEqual(['user']);
  expect(await usage(stack, user.id)).toEqual({ used: countBefore, reserved: 0 });
  expect(stack.api.ctx.streams.size).toBe(0);
}

describe('stream failures (in-process rag)', () => {
  let stack: Stack;
  const open = sharedChatStack({}, (s) => (stack = s));

  it('the model failing before the first token → retryable chat-stream-error, nothing saved, count unchanged', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 3);
    stack.upstream!.setDefault({ fail: { status: 503 } });
    const { accepted, end, events } = await chat(stack, user, client, { message: 'What is osmosis?' });
    const error = errorOf(end);
    expect(error).toMatchObject({
      sessionId: accepted.chatSessionId,
      streamId: accepted.streamId,
      retryable: true,
    });
    expect(error.error).toMatch(/try again/i);
    expect(events.filter((e) => e.type === 'chat-stream-token')).toHaveLength(0);
    await expectCleanFailure(stack, user, accepted.chatSessionId, 3);
  });

  it('the model stream breaking mid-answer → retryable error after the tokens already sent, nothing saved', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 7);
    stack.upstream!.setDefault({
      tokens: Array.from({ length: 12 }, (_, i) => ` t${i}`),
      tokenDelayMs: 10,
      cutAfterTokens: 4,
    });
    const { accepted, end, events } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(errorOf(end).retryable).toBe(true);
    const tokens = events.filter((e) => e.type === 'chat-stream-token');
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.length).toBeLessThanOrEqual(4);
    await expectCleanFailure(stack, user, accepted.chatSessionId, 7);
  });

  it("the model's in-stream error event → retryable error, nothing saved", async () => {
    const user = await createUser(stack);
    const client = await open(user);
    stack.upstream!.setDefault({ tokenDelayMs: 5, streamError: { afterTokens: 2 } });
    const { accepted, end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(errorOf(end).retryable).toBe(true);
    await expectCleanFailure(stack, user, accepted.chatSessionId, 0);
  });
});

describe('stream failures (rag as a child process)', () => {
  let stack: Stack;
  const open = sharedChatStack({ ragProcess: true }, (s) => (stack = s));

  it('rag killed mid-stream → retryable chat-stream-error, nothing saved, count unchanged', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 5);
    stack.upstream!.setDefault({ tokens: Array.from({ length: 50 }, (_, i) => ` t${i}`), tokenDelayMs: 50 });
    const accepted = await startChat(stack, user, { message: 'What is osmosis?', streamId: randomUUID() });
    await client.waitFor((e) => e.streamId === accepted.streamId && e.type === 'chat-stream-token');
    stack.ragChild!.kill('SIGKILL');
    const end = errorOf(await client.terminal(accepted.streamId));
    expect(end).toMatchObject({ code: 'stream_interrupted', retryable: true });
    await expectCleanFailure(stack, user, accepted.chatSessionId, 5);
  });

  // Runs after the test above: rag stays down.
  it('rag unreachable → retryable error, nothing charged', async () => {
    const user = await createUser(stack);
    const c = await connectSocket(stack, user);
    try {
      const { accepted, end } = await chat(stack, user, c, { message: 'What is osmosis?' });
      expect(errorOf(end)).toMatchObject({ code: 'unavailable', retryable: true });
      await expectCleanFailure(stack, user, accepted.chatSessionId, 0);
    } finally {
      c.close();
    }
  });
});

describe('idle timeout', () => {
  let stack: Stack;
  const open = sharedChatStack(
    { api: { STREAM_TIMEOUT_MS: '400' }, rag: { STREAM_KEEPALIVE_MS: '60000' } },
    (s) => (stack = s),
  );

  it('STREAM_TIMEOUT_MS without any event → retryable stream_timeout, rag request closed, nothing saved', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 2);
    stack.upstream!.setDefault({ hang: true });
    const started = performance.now();
    const { accepted, end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    const elapsed = performance.now() - started;
    expect(errorOf(end)).toMatchObject({ code: 'stream_timeout', retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(350);
    await expectCleanFailure(stack, user, accepted.chatSessionId, 2);
    // Closing the rag request made rag drop the model call.
    await stack.upstream!.waitForIdle({ timeoutMs: 5_000 });
    expect(stack.upstream!.chatRequests.at(-1)!.clientDisconnected).toBe(true);
  });
});
