import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@classchat/testkit';
import { createUser, postChat, seedDocument, until, usage } from './chat/chat.test-helpers.js';
import { startApi, type RunningApi } from './server.js';

let stack: Stack;
let second: RunningApi | undefined;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await second?.stop();
  await stack?.stop();
});

describe('the composition root', () => {
  it('builds two independent api instances in one process: nothing shared but the database', async () => {
    second = await startApi({ ...stack.api.ctx.config, PORT: 0 });
    const [a, b] = [stack.api, second];
    expect(b.url).not.toBe(a.url);
    for (const pick of [
      (api: RunningApi) => api.ctx.repos,
      (api: RunningApi) => api.ctx.streams,
      (api: RunningApi) => api.ctx.realtime,
      (api: RunningApi) => api.ctx.ingestion,
      (api: RunningApi) => api.ctx.files,
      (api: RunningApi) => api.services.chat,
      (api: RunningApi) => api.services.sessions,
      (api: RunningApi) => api.services.documents,
      (api: RunningApi) => api.services.streamControls,
      (api: RunningApi) => api.services.leases,
    ]) {
      expect(pick(a)).not.toBe(pick(b));
    }

    // A running answer lives in the registry of the instance that took it, and only there.
    const user = await createUser(stack, { name: 'twin' });
    const { classId } = await seedDocument(stack, user.id);
    stack.upstream!.setDefault({ hang: true });
    const streamId = randomUUID();
    const onA = await postChat(stack, user, { message: 'What is ATP?', classId, streamId });
    expect(onA.status).toBe(202);
    expect(a.ctx.streams.get(streamId)).toBeDefined();
    expect(b.ctx.streams.get(streamId)).toBeUndefined();
    expect(b.ctx.streams.size).toBe(0);

    // Stopping one instance leaves the other serving, its running answer included.
    await b.stop();
    second = undefined;
    await expect(fetch(`${b.url}/healthz`)).rejects.toThrow();
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    expect(a.ctx.streams.get(streamId)).toBeDefined();
    const cancel = await fetch(`${a.url}/api/v1/chat/streams/${streamId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(cancel.status).toBe(202);
    await until(async () => a.ctx.streams.size === 0 && (await usage(stack, user.id)).reserved === 0);
  });
});
