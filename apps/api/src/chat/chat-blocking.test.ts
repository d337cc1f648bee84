import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatNewResponse, SessionDetail } from '@classchat/contracts';
import { startStack, type Stack } from '@classchat/testkit';
import { createUser, errorBodyOf, postChat, repositoriesOf, usage } from './chat.test-helpers.js';

describe('ENABLE_STREAMING=false: one blocking answer, the same persistence and quota', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ api: { ENABLE_STREAMING: 'false', FREE_PLAN_MONTHLY_CHATS: '2' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 200 with the finished session, saved once, counted once', async () => {
    const user = await createUser(stack);
    const res = await postChat(stack, user, { message: 'What is osmosis?' });
    expect(res.status).toBe(200);
    const detail = SessionDetail.parse(res.json);
    // The web reads chat/new's answer with one contract for both modes.
    expect(ChatNewResponse.parse(res.json)).toEqual(detail);
    expect(detail.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const answer = detail.messages[1]!;
    expect(answer.content.length).toBeGreaterThan(0);
    expect(answer).toMatchObject({ status: 'complete', currentVersion: 0, route: 'general_qa' });
    expect(answer.versions).toHaveLength(1);
    expect(detail.session.title).toBe('What is osmosis?');
    const rows = await repositoriesOf(stack).messages.list(user.id, detail.session.id);
    expect(rows.map((r) => r.content)).toEqual(detail.messages.map((m) => m.content));
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });

    const second = await postChat(stack, user, {
      message: 'And mitochondria?',
      chatSessionId: detail.session.id,
    });
    expect(second.status).toBe(200);
    expect(SessionDetail.parse(second.json).messages).toHaveLength(4);
  });

  it('applies the configured limit with its number in the message', async () => {
    const user = await createUser(stack);
    for (const message of ['What is osmosis?', 'What do mitochondria do?']) {
      expect((await postChat(stack, user, { message })).status).toBe(200);
    }
    const refused = await postChat(stack, user, { message: 'What is an enzyme?' });
    expect(refused.status).toBe(403);
    expect(errorBodyOf(refused.json)).toEqual({
      code: 'quota_exceeded',
      message: 'Free plan limit reached (2 chats/month). Upgrade to premium for unlimited chats.',
    });
  });

  it('a failed answer saves nothing and is not counted', async () => {
    const user = await createUser(stack);
    stack.upstream!.setDefault({ fail: { status: 500 } });
    try {
      const res = await postChat(stack, user, { message: 'What is osmosis?' });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(errorBodyOf(res.json).message).toMatch(/try again/i);
      expect(await usage(stack, user.id)).toEqual({ used: 0, reserved: 0 });
      const sessions = await repositoriesOf(stack).sessions.list(user.id);
      const rows = await repositoriesOf(stack).messages.list(user.id, sessions[0]!.id);
      expect(rows.map((r) => r.role)).toEqual(['user']);
    } finally {
      stack.upstream!.reset();
    }
  });
});
