import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageDto, SessionDetail } from '@classchat/contracts';
import { messageText, startStack, type Stack } from '@classchat/testkit';
import {
  chat,
  completeOf,
  connectSocket,
  createUser,
  errorOf,
  postChat,
  repositoriesOf,
  seedDocument,
  usage,
  type TestSocket,
  type TestUser,
} from './chat.test-helpers.js';

let stack: Stack;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await stack.upstream?.waitForIdle();
  stack.upstream?.reset();
});
afterAll(async () => {
  await stack?.stop();
});

async function student(name: string) {
  const user = await createUser(stack, { name });
  const { classId } = await seedDocument(stack, user.id);
  const socket = await connectSocket(stack, user);
  sockets.push(socket);
  return { user, classId, socket };
}

async function session(user: TestUser, id: string) {
  const res = await fetch(`${stack.apiUrl}/api/v1/chat/sessions/${id}`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  expect(res.status).toBe(200);
  return SessionDetail.parse(await res.json());
}

/** The texts of the messages rag sent the model for the last chat request. */
const promptTexts = () => stack.upstream!.chatRequests.at(-1)!.body.messages.map((m) => messageText(m));

describe('Retry', () => {
  it('regenerates the last answer as version 2 of the same message, without that answer in the history', async () => {
    const { user, classId, socket } = await student('retrier');
    stack.upstream!.enqueue(
      { reply: 'Mitochondria make ATP.' },
      { reply: 'The mitochondrion is the powerhouse.' },
    );
    const first = await chat(stack, user, socket, { message: 'What do mitochondria do?', classId });
    const v1 = completeOf(first.end);
    expect(v1).toMatchObject({ content: 'Mitochondria make ATP.', currentVersion: 0 });

    const second = await chat(stack, user, socket, {
      retry: true,
      chatSessionId: first.accepted.chatSessionId,
    });
    expect(second.accepted).toMatchObject({
      chatSessionId: first.accepted.chatSessionId,
      userMessageId: null,
    });
    const v2 = completeOf(second.end);
    expect(v2.messageId).toBe(v1.messageId);
    expect(v2).toMatchObject({
      content: 'The mitochondrion is the powerhouse.',
      currentVersion: 1,
      status: 'complete',
    });
    expect(v2.versions.map((v) => v.content)).toEqual([
      'Mitochondria make ATP.',
      'The mitochondrion is the powerhouse.',
    ]);
    expect(second.events.filter((e) => e.type === 'chat-stream-token').length).toBeGreaterThan(0);

    // The model was asked the same question again, without the answer being replaced.
    const prompt = promptTexts().join('\n');
    expect(prompt).toContain('What do mitochondria do?');
    expect(prompt).not.toContain('Mitochondria make ATP.');

    const detail = await session(user, first.accepted.chatSessionId);
    expect(detail.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(detail.messages[1]).toMatchObject({ id: v1.messageId, currentVersion: 1, content: v2.content });
    expect(await usage(stack, user.id)).toEqual({ used: 2, reserved: 0 });
  });

  it('does not save or charge a retry whose answer repeats a version word for word, and says which', async () => {
    const { user, classId, socket } = await student('repeater');
    stack.upstream!.enqueue({ reply: 'Same answer.' }, { reply: 'Same answer.' });
    const first = completeOf(
      (await chat(stack, user, socket, { message: 'Explain diffusion', classId })).end,
    );
    const again = completeOf(
      (await chat(stack, user, socket, { retry: true, chatSessionId: first.sessionId })).end,
    );
    expect(again).toMatchObject({
      messageId: first.messageId,
      repeatOf: 0,
      currentVersion: 0,
      content: 'Same answer.',
    });
    expect(again.versions).toHaveLength(1);
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
    expect((await session(user, first.sessionId)).messages[1]?.versions).toHaveLength(1);
  });

  it('lets the user page between versions', async () => {
    const { user, classId, socket } = await student('pager');
    stack.upstream!.enqueue({ reply: 'Answer one.' }, { reply: 'Answer two.' }, { reply: 'Answer three.' });
    const first = await chat(stack, user, socket, { message: 'Explain osmosis', classId });
    const sessionId = first.accepted.chatSessionId;
    await chat(stack, user, socket, { retry: true, chatSessionId: sessionId });
    const third = completeOf(
      (await chat(stack, user, socket, { retry: true, chatSessionId: sessionId })).end,
    );
    expect(third.versions).toHaveLength(3);

    const put = async (index: number) => {
      const res = await fetch(
        `${stack.apiUrl}/api/v1/chat/sessions/${sessionId}/messages/${third.messageId}/version`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ index }),
        },
      );
      return { status: res.status, body: await res.json() };
    };
    expect(MessageDto.parse((await put(0)).body)).toMatchObject({
      currentVersion: 0,
      content: 'Answer one.',
    });
    expect(MessageDto.parse((await put(1)).body)).toMatchObject({
      currentVersion: 1,
      content: 'Answer two.',
    });
    expect((await put(3)).status).toBe(400);
    expect((await session(user, sessionId)).messages[1]).toMatchObject({
      currentVersion: 1,
      content: 'Answer two.',
    });
  });

  it('leaves version 1 intact and uncharged when the retry fails', async () => {
    const { user, classId, socket } = await student('unlucky');
    stack.upstream!.enqueue(
      { reply: 'The original answer.' },
      { fail: { status: 500, message: 'model exploded' } },
    );
    const first = await chat(stack, user, socket, { message: 'What is meiosis?', classId });
    const v1 = completeOf(first.end);
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });

    const retry = await chat(stack, user, socket, {
      retry: true,
      chatSessionId: first.accepted.chatSessionId,
    });
    expect(errorOf(retry.end)).toMatchObject({ retryable: true });

    const detail = await session(user, first.accepted.chatSessionId);
    expect(detail.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(detail.messages[1]).toMatchObject({
      id: v1.messageId,
      content: 'The original answer.',
      currentVersion: 0,
      status: 'complete',
    });
    expect(detail.messages[1]!.versions).toHaveLength(1);
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
  });

  it('answers a question whose answer never arrived as a new message (the retry after a failed stream)', async () => {
    const { user, classId, socket } = await student('second-chance');
    stack.upstream!.enqueue({ fail: { status: 503 } }, { reply: 'Finally, an answer.' });
    const failed = await chat(stack, user, socket, { message: 'What is an enzyme?', classId });
    errorOf(failed.end);
    const retry = await chat(stack, user, socket, {
      retry: true,
      chatSessionId: failed.accepted.chatSessionId,
    });
    expect(completeOf(retry.end)).toMatchObject({ content: 'Finally, an answer.', currentVersion: 0 });
    expect(promptTexts().join('\n')).toContain('What is an enzyme?');
    const detail = await session(user, failed.accepted.chatSessionId);
    expect(detail.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'What is an enzyme?'],
      ['assistant', 'Finally, an answer.'],
    ]);
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
  });

  it("refuses another user's session (404), an empty one (400) and a retry while an answer is being written (409)", async () => {
    const { user, classId, socket } = await student('owner');
    const other = await createUser(stack, { name: 'other' });
    stack.upstream!.enqueue({ reply: 'Mine.' });
    const first = await chat(stack, user, socket, { message: 'Photosynthesis?', classId });
    const sessionId = first.accepted.chatSessionId;

    const foreign = await postChat(stack, other, { retry: true, chatSessionId: sessionId });
    expect(foreign).toMatchObject({ status: 404, json: { code: 'not_found' } });
    expect((await postChat(stack, other, { retry: true, chatSessionId: randomUUID() })).status).toBe(404);
    const empty = await repositoriesOf(stack).sessions.create({ userId: user.id, title: 'Empty' });
    const nothing = await postChat(stack, user, { retry: true, chatSessionId: empty.id });
    expect(nothing).toMatchObject({ status: 400, json: { code: 'invalid_input' } });

    stack.upstream!.enqueue({ reply: 'slow answer to a follow-up', tokenDelayMs: 50 });
    const streamId = randomUUID();
    expect(
      (await postChat(stack, user, { message: 'Tell me more', chatSessionId: sessionId, streamId })).status,
    ).toBe(202);
    const busy = await postChat(stack, user, { retry: true, chatSessionId: sessionId });
    expect(busy).toMatchObject({ status: 409, json: { code: 'conflict' } });
    await socket.terminal(streamId);
    expect(await usage(stack, user.id)).toEqual({ used: 2, reserved: 0 });
    expect(await usage(stack, other.id)).toEqual({ used: 0, reserved: 0 });
  });
});
