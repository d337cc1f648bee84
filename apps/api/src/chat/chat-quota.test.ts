import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Stack } from '@classchat/testkit';
import { SessionDetail } from '@classchat/contracts';
import {
  chat,
  completeOf,
  createUser,
  errorBodyOf,
  errorOf,
  postChat,
  postChatSse,
  repositoriesOf,
  setChatCount,
  sharedChatStack,
  usage,
} from './chat.test-helpers.js';

const LIMIT_MESSAGE = 'Free plan limit reached (25 chats/month). Upgrade to premium for unlimited chats.';

let stack: Stack;
const open = sharedChatStack({}, (s) => (stack = s));

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

  it('a revoked token is refused with 401 by the reservation itself: nothing reserved, written or asked of rag, over quota or not, with a malformed body too', async () => {
    const user = await createUser(stack);
    const repos = repositoriesOf(stack);
    await repos.users.revokeTokens(user.id);
    const asked = () => stack.upstream!.requests.length;
    const before = asked();
    const expired = { message: 'Your session has expired. Please log in again.', code: 'unauthorized' };
    for (const count of [0, 25]) {
      await setChatCount(stack, user.id, count);
      const refused = await postChat(stack, user, { message: 'What is osmosis?', streamId: randomUUID() });
      expect(refused.status).toBe(401);
      expect(errorBodyOf(refused.json)).toEqual(expired);
      expect(await usage(stack, user.id)).toEqual({ used: count, reserved: 0 });
    }
    const malformed = await postChat(stack, user, { message: '' });
    expect(malformed.status).toBe(401);
    expect(await repos.sessions.list(user.id)).toHaveLength(0);
    // rag is asked only after the reservation, and the refusal answered before any such call.
    expect(asked()).toBe(before);

    // A token issued after the revocation works, and a malformed body with it is a 400.
    const fresh = { id: user.id, token: await stack.api.ctx.tokens.sign(user.id) };
    await setChatCount(stack, user.id, 0);
    expect((await postChat(stack, fresh, { message: '' })).status).toBe(400);
    const { end } = await chat(stack, fresh, await open(fresh), { message: 'What is osmosis?' });
    expect(end.type).toBe('chat-stream-complete');
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

describe('an answer that found nothing in the student’s material costs no chat', () => {
  const modelCalls = () => stack.upstream!.chatRequests.length;

  it('an off-topic question gets the not-covered answer, naming the closest section, and the count is unchanged', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    await setChatCount(stack, user.id, 10);
    const calls = modelCalls();
    const { end, accepted } = await chat(stack, user, client, {
      message: 'Does temperature change the tides of the ocean?',
    });
    const complete = completeOf(end);
    expect(complete.coverage).toBe('not_covered');
    expect(complete.content).toMatch(/^Your material does not seem to cover this\./);
    // The closest sections (the page on temperature first), cited so that they link to their pages.
    expect(complete.citations.length).toBeLessThanOrEqual(3);
    expect([complete.citations[0]!.fileName, complete.citations[0]!.page]).toEqual(['cell-biology.pdf', 5]);
    expect(complete.citations[0]!.href).toMatch(/^\/documents\/.+\?page=5&(start=\d+&end=\d+|chunk=)/);
    expect(await usage(stack, user.id)).toEqual({ used: 10, reserved: 0 });
    expect(modelCalls()).toBe(calls);
    // Saved to the session like any answer, with its coverage.
    const res = await fetch(`${stack.apiUrl}/api/v1/chat/sessions/${accepted.chatSessionId}`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const detail = SessionDetail.parse(await res.json());
    expect(detail.messages.map((m) => [m.role, m.coverage])).toEqual([
      ['user', undefined],
      ['assistant', 'not_covered'],
    ]);
  });

  it('a question about the material still counts', async () => {
    const user = await createUser(stack);
    const client = await open(user);
    const { end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    expect(completeOf(end).coverage).toBe('grounded');
    expect(await usage(stack, user.id)).toEqual({ used: 1, reserved: 0 });
  });

  it('a student with no documents is told to upload some, free of charge, even at the limit', async () => {
    const user = await createUser(stack, { material: false });
    const client = await open(user);
    await setChatCount(stack, user.id, 24);
    const calls = modelCalls();
    const { end } = await chat(stack, user, client, { message: 'What is osmosis?' });
    const complete = completeOf(end);
    expect(complete.coverage).toBe('no_material');
    expect(complete.content).toMatch(/not uploaded any course material/);
    expect(await usage(stack, user.id)).toEqual({ used: 24, reserved: 0 });
    expect(modelCalls()).toBe(calls);
  });

  it('a class whose document is still processing says it will be ready in a few seconds (over SSE too)', async () => {
    const { user, cls } = await processingDocument();
    const { res, events } = await postChatSse(stack, user, { message: 'What is a buffer?', classId: cls.id });
    expect(res.status).toBe(200);
    const complete = events.at(-1)!;
    expect(complete).toMatchObject({ type: 'chat-stream-complete', coverage: 'no_material' });
    expect(complete.type === 'chat-stream-complete' && complete.content).toMatch(
      /“acids\.pdf” is still processing — ready in a few seconds/,
    );
    expect(await usage(stack, user.id)).toEqual({ used: 0, reserved: 0 });
  });

  it('a document that finished processing since the last question is answered from (rag lists the class again)', async () => {
    const { user, cls, doc } = await processingDocument();
    const repos = repositoriesOf(stack);
    const ask = async () =>
      (await postChatSse(stack, user, { message: 'What is a buffer?', classId: cls.id })).events.at(-1)!;
    expect(await ask()).toMatchObject({ type: 'chat-stream-complete', coverage: 'no_material' });
    expect(await ask()).toMatchObject({ type: 'chat-stream-complete', coverage: 'no_material' });
    await repos.documents.markReady(doc.id, 1, 0);
    expect(await ask()).not.toMatchObject({ coverage: 'no_material' });
    await repos.documents.delete(user.id, doc.id);
    expect(await ask()).toMatchObject({ type: 'chat-stream-complete', coverage: 'no_material' });
  });
});

/** A student without material but for one class holding `acids.pdf`, still processing. */
async function processingDocument() {
  const user = await createUser(stack, { material: false });
  const repos = repositoriesOf(stack);
  const cls = await repos.classes.create(user.id, 'Chemistry');
  const doc = await repos.documents.create({
    userId: user.id,
    classId: cls.id,
    fileName: 'acids.pdf',
    mimeType: 'application/pdf',
    byteSize: 10,
    sha256: randomUUID(),
    storageKey: `${randomUUID()}.pdf`,
  });
  // Held as if an ingestion were running, so the api's recovery leaves it alone.
  await repos.documents.claimIngest(doc.id, 120_000);
  return { user, cls, doc };
}
