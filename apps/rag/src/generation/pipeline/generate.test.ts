import { describe, expect, it } from 'vitest';
import type { RagStreamEvent } from '@classchat/contracts';
import { CANCELLED } from '../failures.js';
import type { ModelRequest } from '../model.js';
import { finalUsage, generate, nothingWritten, type GenerateOptions } from './generate.js';
import { fakeModel, UNTIL_ABORTED, usage } from './pipeline.test-helpers.js';

const request: ModelRequest = {
  messages: [{ role: 'user', content: 'q' }],
  temperature: 0,
  maxOutputTokens: 10,
};
const options = (overrides: Partial<GenerateOptions> = {}): GenerateOptions => ({
  chunkSize: 1,
  signal: new AbortController().signal,
  ...overrides,
});

async function run(gen: AsyncGenerator<RagStreamEvent, unknown>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of gen) if (e.type === 'token') out.push(e.content);
  return out;
}

describe('generate', () => {
  it('groups the model tokens into token events of chunkSize, the last one shorter', async () => {
    const { model } = fakeModel('a', 'b', 'c', 'd', 'e', 'f', 'g');
    expect(await run(generate(model, request, options({ chunkSize: 3 })))).toEqual(['abc', 'def', 'g']);
  });

  it('sends one token event per model token with chunkSize 1', async () => {
    const { model } = fakeModel('Yes', ' [', '1', ']');
    expect(await run(generate(model, request, options()))).toEqual(['Yes', ' [', '1', ']']);
  });

  it('asks the model what it was given', async () => {
    const { model, calls } = fakeModel('x');
    await run(generate(model, request, options()));
    expect(calls).toEqual([request]);
  });

  it('tallies what was written and passes the model usage through', async () => {
    const { model } = fakeModel('Gly', 'colysis', usage(120, 2));
    const written = nothingWritten();
    const gen = generate(model, request, options({ chunkSize: 5 }), written);
    expect(await run(gen)).toEqual(['Glycolysis']);
    expect(written).toEqual({ content: 'Glycolysis', tokens: 2, usage: usage(120, 2) });
    expect(finalUsage(written, () => 999)).toEqual(usage(120, 2));
  });

  it('counts the usage when the model reports none', () => {
    const counted = finalUsage({ content: 'two words', tokens: 2, usage: null }, () => 100);
    expect(counted.promptTokens).toBe(100);
    expect(counted.completionTokens).toBeGreaterThan(0);
    expect(counted.totalTokens).toBe(100 + counted.completionTokens);
  });

  it('calls onFirstToken once, just before the first token event', async () => {
    const seen: string[] = [];
    const { model } = fakeModel('a', 'b', 'c', 'd', 'e');
    const gen = generate(model, request, options({ chunkSize: 2, onFirstToken: () => seen.push('first') }));
    for await (const e of gen) seen.push(e.content);
    expect(seen).toEqual(['first', 'ab', 'cd', 'e']);
  });

  it('calls onFirstToken for an answer shorter than one chunk', async () => {
    let calls = 0;
    const { model } = fakeModel('a');
    expect(
      await run(generate(model, request, options({ chunkSize: 4, onFirstToken: () => calls++ }))),
    ).toEqual(['a']);
    expect(calls).toBe(1);
  });

  it('never calls onFirstToken when the model writes nothing', async () => {
    let calls = 0;
    const { model } = fakeModel(usage(5, 0));
    expect(await run(generate(model, request, options({ onFirstToken: () => calls++ })))).toEqual([]);
    expect(calls).toBe(0);
  });

  it('ends an aborted model stream with the abort reason, not a completion, and flushes no partial chunk', async () => {
    const controller = new AbortController();
    const { model } = fakeModel('a', 'b', 'c', UNTIL_ABORTED, 'never');
    const written = nothingWritten();
    const gen = generate(model, request, options({ chunkSize: 2, signal: controller.signal }), written);
    const tokens: string[] = [];
    const ran = (async () => {
      for await (const e of gen) {
        tokens.push(e.content);
        controller.abort(CANCELLED);
      }
    })();
    await expect(ran).rejects.toBe(CANCELLED);
    expect(tokens).toEqual(['ab']);
    expect(written.tokens).toBe(3);
  });

  it('rethrows a model error, with what was written before it tallied', async () => {
    const boom = new Error('upstream broke');
    const { model } = fakeModel('a', 'b', boom);
    const written = nothingWritten();
    const tokens: string[] = [];
    await expect(
      (async () => {
        for await (const e of generate(model, request, options(), written)) tokens.push(e.content);
      })(),
    ).rejects.toBe(boom);
    expect(tokens).toEqual(['a', 'b']);
    expect(written).toMatchObject({ content: 'ab', tokens: 2, usage: null });
  });
});
