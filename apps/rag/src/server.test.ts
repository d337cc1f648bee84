import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, seedUser, startAnswerHarness, terminal, type AnswerHarness } from './answer.test-helpers.js';
import type { RunningRag } from './server.js';

let h: AnswerHarness;
beforeAll(async () => {
  h = await startAnswerHarness();
});
afterAll(() => h?.stop());

const ask = (rag: RunningRag, userId: string) =>
  post(rag.url, '/api/v1/semantic_search_stream', {
    user_id: userId,
    user_query: 'What is a cell?',
    chat_history: [],
  });

describe('the composition root', () => {
  it('builds two independent rag instances in one process: nothing shared but the database', async () => {
    const a = await h.startRag({}, { offline: true });
    const b = await h.startRag({}, { offline: true });
    expect(b.url).not.toBe(a.url);
    for (const pick of [
      (rag: RunningRag) => rag.ctx,
      (rag: RunningRag) => rag.ctx.repos,
      (rag: RunningRag) => rag.ctx.metrics.registry,
      (rag: RunningRag) => rag.ctx.tokenBudget,
      (rag: RunningRag) => rag.ctx.parser,
      (rag: RunningRag) => rag.services.answers,
      (rag: RunningRag) => rag.services.ingest,
    ]) {
      expect(pick(a)).not.toBe(pick(b));
    }
    expect(a.services.answers.chunks).toBe(a.ctx.repos.chunks);
    expect(a.services.ingest.repos).toBe(a.ctx.repos);

    // Stopping one leaves the other answering.
    const userId = await seedUser(h.repos);
    expect(terminal((await ask(b, userId)).events)).toMatchObject([{ type: 'done' }]);
    await b.stop();
    await expect(fetch(`${b.url}/healthz`)).rejects.toThrow();
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    expect(terminal((await ask(a, userId)).events)).toMatchObject([{ type: 'done' }]);
  });
});
