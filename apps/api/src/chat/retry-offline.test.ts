import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@classchat/testkit';
import {
  chat,
  completeOf,
  connectSocket,
  createUser,
  seedDocument,
  usage,
  type TestSocket,
} from './chat.test-helpers.js';

let stack: Stack;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await startStack({ model: 'offline' });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await stack?.stop();
});

describe('Retry without a model', () => {
  it('gives the next best sentences, then says it has nothing new and charges nothing', async () => {
    const user = await createUser(stack, { name: 'offline-retrier' });
    const { classId } = await seedDocument(stack, user.id);
    const socket = await connectSocket(stack, user);
    sockets.push(socket);

    const first = completeOf(
      (await chat(stack, user, socket, { message: 'What do proteins and membranes do?', classId })).end,
    );
    expect(first.coverage).toBe('grounded');
    expect(first.citations.length).toBeGreaterThan(0);
    const second = completeOf(
      (await chat(stack, user, socket, { retry: true, chatSessionId: first.sessionId })).end,
    );
    expect(second.repeatOf).toBeUndefined();
    expect(second.versions).toHaveLength(2);
    expect(second.content).not.toBe(first.content);
    const shown = new Set(first.citations.map((c) => `${c.page}:${c.charStart}`));
    expect(second.citations.some((c) => !shown.has(`${c.page}:${c.charStart}`))).toBe(true);
    expect(await usage(stack, user.id)).toEqual({ used: 2, reserved: 0 });

    // Retrying until the material has nothing else to say: the product says so and keeps the count.
    let last = second;
    for (let i = 0; i < 8 && last.repeatOf === undefined; i++) {
      last = completeOf(
        (await chat(stack, user, socket, { retry: true, chatSessionId: first.sessionId })).end,
      );
    }
    expect(last.repeatOf).toBe(0);
    const versions = last.versions.length;
    expect(await usage(stack, user.id)).toEqual({ used: versions, reserved: 0 });
  });
});
