import { describe, expect, it } from 'vitest';
import { AppError } from '@classchat/contracts';
import { estimateAnswerTokens, reserveBudget } from './budget.js';
import { planAnswer } from './plan.js';
import { answerRequest, fakeRepositories, readyDocument, recordingBudget } from './pipeline.test-helpers.js';

const planFor = (question: string, documents = [readyDocument()]) =>
  planAnswer(fakeRepositories({ documents }), answerRequest(question), false);

describe('reserveBudget', () => {
  it('reserves the estimate: the prompt at the full context budget plus the longest output', async () => {
    const plan = await planFor('What is glycolysis?');
    const { budget, reserved } = recordingBudget();
    const reservation = await reserveBudget(budget, plan, { callsModel: true });
    const estimate = estimateAnswerTokens(plan);
    expect(estimate).toBeGreaterThan(plan.cfg.contextTokens + plan.cfg.maxOutputTokens);
    expect(reserved).toEqual([estimate]);
    expect(reservation?.tokens).toBe(estimate);
  });

  it('reserves more for a route that reads more', async () => {
    const question = await planFor('What is glycolysis?');
    const guide = await planFor('Make me a study guide');
    expect(estimateAnswerTokens(guide)).toBeGreaterThan(estimateAnswerTokens(question));
  });

  it('throws tpm_exceeded (429) when the budget refuses, after telling onRefused the estimate', async () => {
    const plan = await planFor('What is glycolysis?');
    const refused: number[] = [];
    const { budget } = recordingBudget({ refuse: true });
    await expect(
      reserveBudget(budget, plan, { callsModel: true, onRefused: (e) => refused.push(e) }),
    ).rejects.toSatisfy((e) => AppError.is(e) && e.code === 'tpm_exceeded' && e.status === 429);
    expect(refused).toEqual([estimateAnswerTokens(plan)]);
  });

  it('reserves nothing when no model is called (offline)', async () => {
    const { budget, reserved } = recordingBudget({ refuse: true });
    expect(
      await reserveBudget(budget, await planFor('What is glycolysis?'), { callsModel: false }),
    ).toBeNull();
    expect(reserved).toEqual([]);
  });

  it('reserves nothing when the scope has no material to answer from', async () => {
    const plan = await planFor('What is glycolysis?', []);
    const { budget, reserved } = recordingBudget({ refuse: true });
    expect(await reserveBudget(budget, plan, { callsModel: true })).toBeNull();
    expect(reserved).toEqual([]);
  });
});
