import { describe, expect, it } from 'vitest';
import { countPromptTokens } from '../../prompts/tokens.js';
import { answerEvents } from '../answer-pipeline.js';
import { settleReservation, spentTokens } from './settle.js';
import {
  answeredWith,
  answerRequest,
  chunkHit,
  drain,
  fakeDeps,
  fakeModel,
  fakeRepositories,
  recordingBudget,
  UNTIL_ABORTED,
  usage,
} from './pipeline.test-helpers.js';

describe('what an answer is charged', () => {
  it('completed: the total the model reports', () => {
    expect(spentTokens('completed', { usage: usage(300, 40), promptTokens: 290, writtenTokens: 38 })).toBe(
      340,
    );
  });

  it('failed or cancelled before the first token: nothing', () => {
    for (const outcome of ['failed', 'cancelled'] as const) {
      expect(spentTokens(outcome, { usage: null, promptTokens: 300, writtenTokens: 0 })).toBe(0);
    }
  });

  it('failed or cancelled after some tokens: the prompt plus what was written', () => {
    for (const outcome of ['failed', 'cancelled'] as const) {
      expect(spentTokens(outcome, { usage: null, promptTokens: 300, writtenTokens: 7 })).toBe(307);
    }
  });

  it('reports a failed settle instead of throwing it', async () => {
    const errors: unknown[] = [];
    const broken = new Error('redis down');
    settleReservation({ settle: () => Promise.reject(broken) }, { id: 'r1', tokens: 10 }, 5, (err) =>
      errors.push(err),
    );
    await expect.poll(() => errors).toEqual([broken]);
  });
});

describe('the budget an answer settles, by outcome', () => {
  const passage = chunkHit('Glycolysis splits glucose into two pyruvate molecules.');
  const followUp = () =>
    answerRequest('tell me more', answeredWith('What is glycolysis?', 'It splits glucose [1].', [passage]));
  const withModel = (...steps: Parameters<typeof fakeModel>) => {
    const recorded = recordingBudget();
    const { model, calls } = fakeModel(...steps);
    const deps = fakeDeps({
      ...fakeRepositories({ chunks: [passage] }),
      model,
      tokenBudget: recorded.budget,
    });
    return { deps, calls, ...recorded };
  };

  it('settles a completed answer to the model usage', async () => {
    const { deps, reserved, settled } = withModel('More', ' detail', usage(500, 2));
    await drain(answerEvents(deps, followUp()));
    expect(reserved).toHaveLength(1);
    await expect.poll(() => settled.map((s) => s.tokens)).toEqual([502]);
  });

  it('releases the whole reservation when the model fails before writing', async () => {
    const { deps, settled } = withModel(new Error('refused'));
    const events = await drain(answerEvents(deps, followUp()));
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'internal' });
    await expect.poll(() => settled.map((s) => s.tokens)).toEqual([0]);
  });

  it('charges the prompt plus the written tokens when the consumer breaks off', async () => {
    const { deps, calls, settled } = withModel('one', 'two', UNTIL_ABORTED);
    for await (const e of answerEvents(deps, followUp())) if (e.type === 'token') break;
    const promptTokens = countPromptTokens(calls[0]!.messages);
    // 'one' and 'two' were written at once, so the first token event carried both.
    await expect.poll(() => settled.map((s) => s.tokens)).toEqual([promptTokens + 2]);
  });

  it('reserves nothing offline', async () => {
    const { budget, reserved, settled } = recordingBudget();
    const deps = fakeDeps({ ...fakeRepositories({ chunks: [passage] }), tokenBudget: budget });
    await drain(answerEvents(deps, followUp()));
    expect(reserved).toEqual([]);
    expect(settled).toEqual([]);
  });
});
