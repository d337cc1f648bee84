import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RagStreamEvent } from '@classchat/contracts';
import { CANCELLED } from '../failures.js';
import type { AnswerModel, ModelEvent, ModelRequest } from '../model.js';
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
    const gen = generate(model, request, options({ chunkSize: 3, coalesceMs: 'off' }));
    expect(await run(gen)).toEqual(['abc', 'def', 'g']);
  });

  it('sends one token event per model token with chunkSize 1 and coalescing off', async () => {
    const { model } = fakeModel('Yes', ' [', '1', ']');
    const gen = generate(model, request, options({ coalesceMs: 'off' }));
    expect(await run(gen)).toEqual(['Yes', ' [', '1', ']']);
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
    const gen = generate(
      model,
      request,
      options({ chunkSize: 2, coalesceMs: 'off', onFirstToken: () => seen.push('first') }),
    );
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
    const gen = generate(
      model,
      request,
      options({ chunkSize: 2, coalesceMs: 'off', signal: controller.signal }),
      written,
    );
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

  it('sends the text read before a model error, then rethrows it, with what was written tallied', async () => {
    const boom = new Error('upstream broke');
    const { model } = fakeModel('a', 'b', boom);
    const written = nothingWritten();
    const tokens: string[] = [];
    await expect(
      (async () => {
        for await (const e of generate(model, request, options(), written)) tokens.push(e.content);
      })(),
    ).rejects.toBe(boom);
    expect(tokens).toEqual(['ab']);
    expect(written).toMatchObject({ content: 'ab', tokens: 2, usage: null });
  });
});

/** A model that writes what the test tells it to, when it tells it. */
function pushedModel(): { model: AnswerModel; write(text: string): void; end(): void } {
  const queue: Array<ModelEvent | null> = [];
  let wake: (() => void) | null = null;
  const model: AnswerModel = async function* () {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift()!;
      if (next === null) return;
      yield next;
    }
  };
  const put = (event: ModelEvent | null) => {
    queue.push(event);
    wake?.();
    wake = null;
  };
  return { model, write: (text) => put({ type: 'text', text }), end: () => put(null) };
}

/** Runs the generation in the background, collecting its token events as they come. */
function collect(gen: AsyncGenerator<RagStreamEvent, unknown>) {
  const seen: string[] = [];
  const done = (async () => {
    for await (const e of gen) if (e.type === 'token') seen.push(e.content);
  })();
  return { seen, done };
}

describe('generate merging the tokens the model has already written', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends tokens that are read together as one token event', async () => {
    const { model } = fakeModel('Two', ' ATP', ' [1]', '.', usage(120, 4));
    const written = nothingWritten();
    expect(await run(generate(model, request, options(), written))).toEqual(['Two ATP [1].']);
    expect(written).toEqual({ content: 'Two ATP [1].', tokens: 4, usage: usage(120, 4) });
  });

  it('sends a token written on its own at once, without waiting for a timer', async () => {
    vi.useFakeTimers();
    const { model, write, end } = pushedModel();
    const { seen, done } = collect(generate(model, request, options()));
    write('a');
    // No time passes: only the microtasks that hand over what the model has written run.
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a']);
    write('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a', 'b']);
    write('c');
    write('d');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a', 'b', 'cd']);
    end();
    await done;
    expect(seen).toEqual(['a', 'b', 'cd']);
  });

  it('sends each token of a model that writes one per turn of the event loop on its own', async () => {
    const model: AnswerModel = async function* () {
      for (const text of ['a', 'b', 'c']) {
        await new Promise((resolve) => setImmediate(resolve));
        yield { type: 'text', text };
      }
    };
    expect(await run(generate(model, request, options()))).toEqual(['a', 'b', 'c']);
  });

  it("sends the tokens of one read of the model's stream (a batch) as one event, at once", async () => {
    const model: AnswerModel = async function* () {
      yield [
        { type: 'text', text: 'Two' },
        { type: 'text', text: ' ATP' },
      ];
      await new Promise((resolve) => setImmediate(resolve));
      yield [{ type: 'text', text: ' [1]' }];
      // Nothing more was ready with the batch before: this one is an event of its own.
      yield [
        { type: 'text', text: '.' },
        { type: 'usage', usage: usage(120, 4) },
      ];
    };
    const written = nothingWritten();
    expect(await run(generate(model, request, options(), written))).toEqual(['Two ATP', ' [1]', '.']);
    expect(written).toEqual({ content: 'Two ATP [1].', tokens: 4, usage: usage(120, 4) });
  });

  it('holds a batch shorter than chunkSize until the next one, and splits batches when coalescing is off', async () => {
    const batches: ModelEvent[][] = [
      [{ type: 'text', text: 'a' }],
      [
        { type: 'text', text: 'b' },
        { type: 'text', text: 'c' },
        { type: 'text', text: 'd' },
      ],
    ];
    const model: AnswerModel = async function* () {
      for (const batch of batches) {
        await new Promise((resolve) => setImmediate(resolve));
        yield batch;
      }
    };
    expect(await run(generate(model, request, options({ chunkSize: 2 })))).toEqual(['abcd']);
    expect(await run(generate(model, request, options({ coalesceMs: 'off' })))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('groups at least chunkSize tokens per event, with what is read by then', async () => {
    vi.useFakeTimers();
    const { model, write, end } = pushedModel();
    const { seen, done } = collect(generate(model, request, options({ chunkSize: 2 })));
    write('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([]);
    write('b');
    write('c');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['abc']);
    write('d');
    end();
    await done;
    expect(seen).toEqual(['abc', 'd']);
  });
});

describe('generate with a window between token events', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first token at once, then what the model wrote within the window as one event', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const { model, write, end } = pushedModel();
    const { seen, done } = collect(generate(model, request, options({ coalesceMs: 40, now: () => clock })));
    write('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a']);
    clock = 10;
    write('b');
    await vi.advanceTimersByTimeAsync(10);
    clock = 20;
    write('c');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a']); // held until 40 ms after 'a'
    clock = 40;
    await vi.advanceTimersByTimeAsync(20);
    expect(seen).toEqual(['a', 'bc']);
    clock = 60;
    write('d');
    await vi.advanceTimersByTimeAsync(0);
    clock = 80;
    write('e'); // the window has passed when it arrives: it goes with 'd' at once
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a', 'bc', 'de']);
    end();
    await done;
    expect(seen).toEqual(['a', 'bc', 'de']);
  });

  it('sends the text still held as soon as the model ends, without waiting for the window', async () => {
    vi.useFakeTimers();
    const clock = 0;
    const { model, write, end } = pushedModel();
    const written = nothingWritten();
    const { seen, done } = collect(
      generate(model, request, options({ coalesceMs: 1_000, now: () => clock }), written),
    );
    write('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['a']);
    write('b');
    write('c');
    end();
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(seen).toEqual(['a', 'bc']);
    expect(written).toMatchObject({ content: 'abc', tokens: 3 });
  });
});
