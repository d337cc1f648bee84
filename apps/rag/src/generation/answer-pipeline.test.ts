import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError, SemanticSearchBody, type RagStreamEvent } from '@classchat/contracts';
import { syntheticTokens } from '@classchat/testkit';
import { startCellBiologyRag, type AnswerHarness } from '../answer.test-helpers.js';
import { createAnswerDeps } from '../http/answer-routes.js';
import { createMemoryTokenBudget } from '../quota/token-budget.js';
import type { RunningRag } from '../server.js';
import { answerEvents, collectAnswer, type AnswerDeps } from './answer-pipeline.js';

let h: AnswerHarness;
let rag: RunningRag;
let userId: string;

beforeAll(async () => {
  ({ h, rag, userId } = await startCellBiologyRag());
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => h.upstream.reset());

const request = (user_query = 'What is glycolysis?') =>
  SemanticSearchBody.parse({ user_id: userId, user_query, session_id: randomUUID() });
const deps = (overrides: Partial<AnswerDeps> = {}): AnswerDeps => ({
  ...createAnswerDeps(rag.ctx),
  logger: pino({ level: 'silent' }),
  ...overrides,
});

describe('the answer pipeline as an AsyncIterable', () => {
  it('yields route, tokens, then exactly one done', async () => {
    h.upstream.enqueue({ tokens: ['Yes', ' [', '1', ']'] });
    const events: RagStreamEvent[] = [];
    for await (const e of answerEvents(deps(), request())) events.push(e);
    expect(events.map((e) => e.type)).toEqual([
      'route',
      'sources',
      'token',
      'token',
      'token',
      'token',
      'done',
    ]);
  });

  it('aborts the model call when the consumer breaks off, and releases what it did not use', async () => {
    // The reservation (prompt estimate at the full context budget + max output) is about 4.7k tokens.
    const budget = createMemoryTokenBudget({ limit: 6000 });
    h.upstream.enqueue({ tokens: syntheticTokens(300), tokenDelayMs: 10 });
    let tokens = 0;
    for await (const e of answerEvents(deps({ tokenBudget: budget }), request())) {
      if (e.type === 'token' && ++tokens === 3) break;
    }
    const settled = await h.upstream.chatRequests[0]!.settled;
    expect(settled.clientDisconnected).toBe(true);
    // Settled to what was used (the real prompt + 3 tokens), not the reserved estimate.
    await new Promise((r) => setTimeout(r, 10));
    expect(await budget.reserve(4500)).not.toBeNull();
  });

  it('stops without a further event when its signal aborts while waiting for the model', async () => {
    h.upstream.enqueue({ hang: true });
    const controller = new AbortController();
    const events: RagStreamEvent[] = [];
    const run = (async () => {
      for await (const e of answerEvents(deps(), request(), { signal: controller.signal })) events.push(e);
    })();
    await h.upstream.waitForRequests(1, { kind: 'chat' });
    controller.abort();
    await run;
    expect(events.map((e) => e.type)).toEqual(['route', 'sources']);
    expect((await h.upstream.chatRequests[0]!.settled).clientDisconnected).toBe(true);
  });

  it('throws tpm_exceeded before its first event, and before any model call', async () => {
    const budget = createMemoryTokenBudget({ limit: 10 });
    await budget.reserve(10);
    const it = answerEvents(deps({ tokenBudget: budget }), request());
    await expect(it.next()).rejects.toSatisfy(
      (e) => AppError.is(e) && e.code === 'tpm_exceeded' && e.status === 429,
    );
    expect(h.upstream.chatRequests).toHaveLength(0);
  });

  it('asks for the question embedding while it reserves the budget, once the scope is known to have embeddings', async () => {
    const shared = deps();
    h.upstream.enqueue({ reply: 'warm-up' });
    await collectAnswer(answerEvents(shared, request()));
    h.upstream.reset();
    const inner = createMemoryTokenBudget({ limit: 100_000 });
    let embeddingsRequestedBeforeReservation: boolean | null = null;
    const budget: AnswerDeps['tokenBudget'] = {
      settle: (reservation, actual) => inner.settle(reservation, actual),
      async reserve(estimate) {
        await h.upstream.waitForRequests(1, { kind: 'embeddings', timeoutMs: 2000 }).then(
          () => (embeddingsRequestedBeforeReservation = true),
          () => (embeddingsRequestedBeforeReservation = false),
        );
        return inner.reserve(estimate);
      },
    };
    h.upstream.enqueue({ reply: 'Glycolysis splits glucose [1].' });
    const answer = await collectAnswer(answerEvents({ ...shared, tokenBudget: budget }, request()));
    expect(embeddingsRequestedBeforeReservation).toBe(true);
    expect(h.upstream.embeddingRequests).toHaveLength(1);
    expect(answer.citations.length).toBeGreaterThan(0);
  });

  it('cancels the embeddings call it started when the budget is refused', async () => {
    const shared = deps();
    h.upstream.enqueue({ reply: 'warm-up' });
    await collectAnswer(answerEvents(shared, request()));
    h.upstream.reset();
    h.upstream.enqueueEmbeddings({ hang: true });
    const budget: AnswerDeps['tokenBudget'] = {
      settle: () => Promise.resolve(),
      // Refused once the embeddings request has reached the upstream.
      reserve: () => h.upstream.waitForRequests(1, { kind: 'embeddings' }).then(() => null),
    };
    await expect(answerEvents({ ...shared, tokenBudget: budget }, request()).next()).rejects.toSatisfy(
      (e) => AppError.is(e) && e.code === 'tpm_exceeded',
    );
    const [embeddings] = await h.upstream.waitForRequests(1, { kind: 'embeddings' });
    expect((await embeddings!.settled).clientDisconnected).toBe(true);
    expect(h.upstream.chatRequests).toHaveLength(0);
  });

  it('releases the whole reservation on a failure before any token', async () => {
    const budget = createMemoryTokenBudget({ limit: 20_000 });
    h.upstream.enqueue({ fail: { status: 500 } });
    const events: RagStreamEvent[] = [];
    for await (const e of answerEvents(deps({ tokenBudget: budget }), request())) events.push(e);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'upstream_error' });
    await new Promise((r) => setTimeout(r, 10));
    expect(await budget.reserve(20_000)).not.toBeNull();
  });

  it('collects to the blocking response', async () => {
    h.upstream.enqueue({ reply: 'Glycolysis splits glucose [1].' });
    const answer = await collectAnswer(answerEvents(deps(), request()));
    expect(answer).toMatchObject({ message: 'Glycolysis splits glucose 【1】.', route: 'general_qa' });
    expect(answer.citations).toHaveLength(1);
  });
});
