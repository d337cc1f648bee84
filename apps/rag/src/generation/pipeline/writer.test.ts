import { describe, expect, it } from 'vitest';
import { eventsOf } from '../model.js';
import { gatherContext } from './context.js';
import { planAnswer } from './plan.js';
import { chooseWriter } from './writer.js';
import {
  answeredWith,
  answerRequest,
  chunkHit,
  fakeDeps,
  fakeModel,
  fakeRepositories,
} from './pipeline.test-helpers.js';

const passage = chunkHit('Glycolysis splits one glucose molecule into two pyruvate molecules.');

async function writerFor(request: ReturnType<typeof answerRequest>, offline: boolean) {
  const deps = fakeDeps(fakeRepositories({ chunks: [passage] }));
  const model = fakeModel('text').model;
  const plan = await planAnswer(deps, request, offline);
  const context = await gatherContext(deps, plan, request, { offline, signal: new AbortController().signal });
  return {
    writer: chooseWriter(plan, context, request, { model: offline ? null : model, offlineTokenDelayMs: 0 }),
    model,
    plan,
  };
}

async function textOf(writer: Awaited<ReturnType<typeof writerFor>>['writer']): Promise<string> {
  let text = '';
  for await (const output of writer.model(writer.request, new AbortController().signal))
    for (const e of eventsOf(output)) if (e.type === 'text') text += e.text;
  return text;
}

const followUp = answerRequest(
  'tell me more',
  answeredWith('What is glycolysis?', 'It splits glucose [1].', [passage]),
);

describe('chooseWriter', () => {
  it('asks the language model with the prompt over the passages when the answer stands on them', async () => {
    const { writer, model, plan } = await writerFor(followUp, false);
    expect(writer.model).toBe(model);
    expect(writer.request).toMatchObject({
      temperature: plan.cfg.temperature,
      maxOutputTokens: plan.cfg.maxOutputTokens,
    });
    expect(writer.request.messages[0]!.content).toContain(passage.text);
    expect(writer.request.messages.at(-1)).toEqual({ role: 'user', content: 'tell me more' });
    expect(writer.promptTokens).toBeGreaterThan(0);
  });

  it('writes out the fixed "no material" answer without a model or a prompt', async () => {
    const { writer, model } = await writerFor(answerRequest('What is ATP?'), false);
    expect(writer.model).not.toBe(model);
    expect(writer.promptTokens).toBe(0);
    expect(writer.request.messages).toEqual([]);
    expect(await textOf(writer)).not.toBe('');
  });

  it('writes out the offline answer composed up front', async () => {
    const { writer } = await writerFor(followUp, true);
    expect(writer.promptTokens).toBe(0);
    expect(await textOf(writer)).toContain('pyruvate');
  });
});
