import { afterEach, describe, expect, it, vi } from 'vitest';
import { CANCELLED } from '../failures.js';
import type { AnswerModel, ModelEvent, ModelReceiver, ModelRequest } from '../model.js';
import { nothingWritten, type GenerateOptions, type TokenEvent } from './generate.js';
import { fakeModel, usage } from './pipeline.test-helpers.js';
import { sendTokens, type TokenSink } from './send-tokens.js';

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

/** A model that pushes the reads the test gives it, and ends or fails when told. */
function pushingModel() {
  let receive: ModelReceiver | null = null;
  let settle: { resolve: () => void; reject: (err: Error) => void } | null = null;
  // Never iterated: `sendTokens` takes the push.
  const iterate = async function* (): AsyncGenerator<ModelEvent> {
    await Promise.resolve();
    yield* [];
  };
  const model: AnswerModel = Object.assign(iterate, {
    push: (_request: ModelRequest, signal: AbortSignal, receiver: ModelReceiver) =>
      new Promise<void>((resolve, reject) => {
        receive = receiver;
        settle = { resolve, reject };
        // Like the model's stream: an abort ends it quietly.
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
  });
  const text = (t: string): ModelEvent => ({ type: 'text', text: t });
  return {
    model,
    /** One read of the model's stream; what the receiver answered. */
    read: (...events: Array<string | ModelEvent>) =>
      receive!(events.map((e) => (typeof e === 'string' ? text(e) : e))),
    end: () => settle!.resolve(),
    fail: (err: Error) => settle!.reject(err),
  };
}

/** A sink that records the token events it takes, and answers each with `answer()`. */
function recordingSink(answer: () => Promise<void> | undefined = () => undefined) {
  const seen: string[] = [];
  const sink: TokenSink = (event: TokenEvent) => {
    seen.push(event.content);
    return answer();
  };
  return { seen, sink };
}

describe('sendTokens from a model that pushes its reads', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends each read as one token event at once, tallies what was written and returns it', async () => {
    const m = pushingModel();
    const { seen, sink } = recordingSink();
    const written = nothingWritten();
    const done = sendTokens(m.model, request, options(), sink, written);
    void m.read('Two', ' ATP');
    expect(seen).toEqual(['Two ATP']);
    void m.read(' [1]');
    void m.read('.', { type: 'usage', usage: usage(120, 4) });
    expect(seen).toEqual(['Two ATP', ' [1]', '.']);
    m.end();
    await expect(done).resolves.toBe(written);
    expect(written).toEqual({ content: 'Two ATP [1].', tokens: 4, usage: usage(120, 4) });
  });

  it('holds a read shorter than chunkSize until the next one, and sends the rest at the end', async () => {
    const m = pushingModel();
    const { seen, sink } = recordingSink();
    const done = sendTokens(m.model, request, options({ chunkSize: 2 }), sink);
    void m.read('a');
    expect(seen).toEqual([]);
    void m.read('b', 'c');
    expect(seen).toEqual(['abc']);
    void m.read('d');
    m.end();
    await done;
    expect(seen).toEqual(['abc', 'd']);
  });

  it('splits reads into chunkSize events when coalescing is off', async () => {
    const m = pushingModel();
    const { seen, sink } = recordingSink();
    const done = sendTokens(m.model, request, options({ chunkSize: 2, coalesceMs: 'off' }), sink);
    void m.read('a', 'b', 'c', 'd', 'e');
    expect(seen).toEqual(['ab', 'cd']);
    m.end();
    await done;
    expect(seen).toEqual(['ab', 'cd', 'e']);
  });

  it('sends the first token at once, then what came within the window as one event when it is due', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const m = pushingModel();
    const { seen, sink } = recordingSink();
    const done = sendTokens(m.model, request, options({ coalesceMs: 40, now: () => clock }), sink);
    void m.read('a');
    expect(seen).toEqual(['a']);
    clock = 10;
    void m.read('b');
    clock = 20;
    void m.read('c');
    await vi.advanceTimersByTimeAsync(19);
    expect(seen).toEqual(['a']); // held until 40 ms after 'a'
    clock = 40;
    await vi.advanceTimersByTimeAsync(20);
    expect(seen).toEqual(['a', 'bc']);
    clock = 45;
    void m.read('d');
    m.end();
    await done;
    // The text still held goes as soon as the model ends, without waiting for the window.
    expect(seen).toEqual(['a', 'bc', 'd']);
  });

  it('calls onFirstToken once, just before the first token event', async () => {
    const m = pushingModel();
    const seen: string[] = [];
    const sink: TokenSink = (event) => void seen.push(event.content);
    const done = sendTokens(m.model, request, options({ onFirstToken: () => seen.push('first') }), sink);
    void m.read('a');
    void m.read('b');
    m.end();
    await done;
    expect(seen).toEqual(['first', 'a', 'b']);
  });

  it('asks the model to wait while the reader is behind, and to read on once it has caught up', async () => {
    const m = pushingModel();
    // Like the SSE writer: every write made while behind is answered by the same drain.
    let caughtUp: () => void = () => undefined;
    let drained: Promise<void> | null = new Promise<void>((resolve) => (caughtUp = resolve));
    const { seen, sink } = recordingSink(() => drained ?? undefined);
    const done = sendTokens(m.model, request, options(), sink);
    const wait = m.read('a');
    expect(wait).toBeInstanceOf(Promise);
    // Still behind: a read the model had already made is taken, and it is told to wait again.
    expect(m.read('b')).toBeInstanceOf(Promise);
    drained = null;
    caughtUp();
    await wait;
    expect(m.read('c')).toBeUndefined();
    m.end();
    await done;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('ends an aborted answer with the abort reason, and sends no text held back', async () => {
    const controller = new AbortController();
    const m = pushingModel();
    const { seen, sink } = recordingSink();
    const written = nothingWritten();
    const done = sendTokens(
      m.model,
      request,
      options({ chunkSize: 2, signal: controller.signal }),
      sink,
      written,
    );
    void m.read('a', 'b');
    void m.read('c');
    controller.abort(CANCELLED);
    await expect(done).rejects.toBe(CANCELLED);
    expect(seen).toEqual(['ab']);
    expect(written.tokens).toBe(3);
  });

  it('sends the text read before a model error, then rethrows it', async () => {
    const boom = new Error('upstream broke');
    const m = pushingModel();
    const { seen, sink } = recordingSink();
    const written = nothingWritten();
    const done = sendTokens(m.model, request, options({ chunkSize: 3 }), sink, written);
    void m.read('a', 'b');
    m.fail(boom);
    await expect(done).rejects.toBe(boom);
    expect(seen).toEqual(['ab']);
    expect(written).toMatchObject({ content: 'ab', tokens: 2, usage: null });
  });
});

describe('sendTokens from a model that only iterates', () => {
  it('sends what generate yields, waiting for the reader whenever it is behind', async () => {
    const { model } = fakeModel('a', 'b', 'c', usage(5, 3));
    const answers: Array<(() => void) | null> = [];
    const { seen, sink } = recordingSink(() => new Promise<void>((resolve) => answers.push(resolve)));
    const written = nothingWritten();
    const done = sendTokens(model, request, options({ chunkSize: 2, coalesceMs: 'off' }), sink, written);
    await vi.waitFor(() => expect(seen).toEqual(['ab']));
    answers.shift()?.();
    await vi.waitFor(() => expect(seen).toEqual(['ab', 'c']));
    answers.shift()?.();
    await expect(done).resolves.toBe(written);
    expect(written).toEqual({ content: 'abc', tokens: 3, usage: usage(5, 3) });
  });
});
