import http from 'node:http';
import { freePort, startFakeOpenAI, type FakeOpenAI } from '@classchat/testkit';
import OpenAI, { type APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toStreamFailure } from './failures.js';
import { eventsOf, openAIModel, type ModelEvent } from './model.js';
import { generate } from './pipeline/generate.js';

let fake: FakeOpenAI;
const API_KEY = 'model-test-key';

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: API_KEY });
});
afterEach(async () => {
  await fake.waitForIdle();
  fake.reset();
});
afterAll(async () => {
  await fake.close();
});

const request = {
  messages: [{ role: 'user' as const, content: 'What does the Krebs cycle produce?' }],
  temperature: 0.2,
  maxOutputTokens: 300,
};

function model(options: { apiKey?: string; timeout?: number; baseURL?: string } = {}) {
  const client = new OpenAI({
    apiKey: options.apiKey ?? API_KEY,
    baseURL: options.baseURL ?? fake.url,
    maxRetries: 0,
    timeout: options.timeout ?? 10_000,
  });
  return openAIModel(client, { model: 'gpt-4o-mini', streaming: true });
}

/** Every event the model yields, and what it threw (if anything). */
async function run(signal = new AbortController().signal, m = model()) {
  const events: ModelEvent[] = [];
  try {
    for await (const output of m(request, signal)) events.push(...eventsOf(output));
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}

const texts = (events: ModelEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : []));

describe('the streamed model (SDK-built request, node:http read)', () => {
  it('yields each token, then the usage of the include_usage chunk', async () => {
    fake.enqueue({ tokens: ['Two', ' ATP', ' [1]', '.'], usage: { prompt_tokens: 120 } });
    const { events, error } = await run();
    expect(error).toBeNull();
    expect(texts(events)).toEqual(['Two', ' ATP', ' [1]', '.']);
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 120, completionTokens: 4, totalTokens: 124 },
    });
    const [sent] = fake.chatRequests;
    expect(sent?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 300,
    });
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('ends normally at a content_filter finish, keeping the text before it', async () => {
    fake.enqueue({ tokens: ['Partial', ' text'], finishReason: 'content_filter' });
    const { events, error } = await run();
    expect(error).toBeNull();
    expect(texts(events)).toEqual(['Partial', ' text']);
    expect(events.at(-1)?.type).toBe('usage');
  });

  it("skips Azure's opening chunk of prompt filter results (no choices)", async () => {
    fake.enqueue({ tokens: ['Hello', '.'], promptFilterResults: true });
    const { events, error } = await run();
    expect(error).toBeNull();
    expect(texts(events)).toEqual(['Hello', '.']);
  });

  it('reads several streams back to back on kept-alive connections, each complete', async () => {
    const m = model();
    for (let i = 0; i < 3; i++) {
      fake.enqueue({ tokens: [`answer ${i}`] });
      expect(texts((await run(undefined, m)).events)).toEqual([`answer ${i}`]);
    }
    expect(fake.chatRequests.map((r) => [r.outcome, r.headers.connection])).toEqual(
      Array.from({ length: 3 }, () => ['completed', 'keep-alive']),
    );
  });

  it('asks each later answer with the first request’s headers and its own body', async () => {
    const m = model();
    fake.enqueue({ tokens: ['first'] });
    await run(undefined, m);
    const later = { ...request, messages: [{ role: 'user' as const, content: 'And the Calvin cycle?' }] };
    fake.enqueue({ tokens: ['second'] });
    const events: ModelEvent[] = [];
    for await (const output of m(later, new AbortController().signal)) events.push(...eventsOf(output));

    expect(texts(events)).toEqual(['second']);
    const [first, second] = fake.chatRequests;
    expect(second!.body).toEqual({ ...first!.body, messages: later.messages });
    expect(second!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(second!.headers['user-agent']).toBe(first!.headers['user-agent']);
    expect(second!.headers['content-type']).toBe(first!.headers['content-type']);
  });
});

describe('read by generate', () => {
  it('yields tokens that arrive in one read without a turn of the event loop between them: one token event', async () => {
    // The fake upstream writes every token in one go when it has no delay between them.
    fake.enqueue({ tokens: ['Two', ' ATP', ' [1]', '.'] });
    const sent: string[] = [];
    const gen = generate(model(), request, { chunkSize: 1, signal: new AbortController().signal });
    for await (const event of gen) sent.push(event.content);
    expect(sent).toEqual(['Two ATP [1].']);
  });
});

describe('failures, mapped as the SDK would throw them', () => {
  it.each([
    [429, OpenAI.RateLimitError, 'upstream_rate_limited', true],
    [500, OpenAI.InternalServerError, 'upstream_error', true],
    [503, OpenAI.InternalServerError, 'upstream_error', true],
    [408, OpenAI.APIError, 'upstream_timeout', true],
    [400, OpenAI.BadRequestError, 'upstream_error', false],
    [404, OpenAI.NotFoundError, 'upstream_error', false],
  ] as const)('HTTP %i → %o, %s', async (status, errorClass, code, retryable) => {
    fake.enqueue({ fail: { status, message: `scripted ${status}` } });
    const { events, error } = await run();
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as APIError).status).toBe(status);
    expect((error as APIError).message).toContain(`scripted ${status}`);
    expect(toStreamFailure(error)).toMatchObject({ code, retryable });
  });

  it('a wrong API key is a 401 AuthenticationError, not retryable', async () => {
    const { error } = await run(undefined, model({ apiKey: 'wrong' }));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(toStreamFailure(error)).toMatchObject({ code: 'upstream_error', retryable: false });
  });

  it('an error event inside the stream throws an APIError without status after the tokens before it', async () => {
    fake.enqueue({ tokens: ['a', 'b', 'c'], streamError: { afterTokens: 2, message: 'overloaded' } });
    const { events, error } = await run();
    expect(texts(events)).toEqual(['a', 'b']);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).status).toBeUndefined();
    expect((error as APIError).message).toContain('overloaded');
    expect(toStreamFailure(error)).toMatchObject({ code: 'upstream_error', retryable: true });
  });

  it('a connection cut mid-stream is stream_interrupted', async () => {
    fake.enqueue({ tokens: ['a', 'b', 'c', 'd'], cutAfterTokens: 2 });
    const { events, error } = await run();
    expect(texts(events)).toEqual(['a', 'b']);
    expect(toStreamFailure(error)).toMatchObject({ code: 'stream_interrupted', retryable: true });
  });

  it('a response that does not start within the timeout is APIConnectionTimeoutError', async () => {
    fake.enqueue({ firstTokenDelayMs: 2000, tokens: ['late'] });
    const { error } = await run(undefined, model({ timeout: 150 }));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(toStreamFailure(error)).toMatchObject({ code: 'upstream_timeout', retryable: true });
  });

  it('an unreachable server is APIConnectionError', async () => {
    const closed = await freePort();
    const { error } = await run(undefined, model({ baseURL: `http://127.0.0.1:${closed}/v1` }));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(toStreamFailure(error)).toMatchObject({ code: 'upstream_error', retryable: true });
  });
});

describe('stopping', () => {
  it('an abort during the stream ends the iteration and closes the upstream request', async () => {
    fake.enqueue({ tokens: Array.from({ length: 50 }, (_, i) => ` t${i}`), tokenDelayMs: 20 });
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    for await (const output of model()(request, controller.signal)) {
      events.push(...eventsOf(output));
      if (events.length >= 3) controller.abort();
    }
    expect(texts(events).length).toBeLessThan(50);
    const [rec] = await fake.waitForRequests(1, { kind: 'chat' });
    await rec!.settled;
    expect(rec!.outcome).toBe('client_disconnected');
  });

  it('an abort before the response rejects with APIUserAbortError', async () => {
    fake.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = run(controller.signal);
    await fake.waitForRequests(1, { kind: 'chat' });
    controller.abort();
    const { error } = await pending;
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it('a consumer that leaves early closes the upstream request', async () => {
    fake.enqueue({ tokens: Array.from({ length: 50 }, (_, i) => ` t${i}`), tokenDelayMs: 20 });
    for await (const output of model()(request, new AbortController().signal)) {
      if (eventsOf(output).some((event) => event.type === 'text')) break;
    }
    const [rec] = await fake.waitForRequests(1, { kind: 'chat' });
    await rec!.settled;
    expect(rec!.outcome).toBe('client_disconnected');
  });
});

describe('an abort after the stream has ended', () => {
  /** Errors nobody listened for, raised while `during` runs and the turns of the loop after it. */
  async function uncaught(during: () => Promise<void>): Promise<unknown[]> {
    const seen: unknown[] = [];
    const record = (err: unknown) => seen.push(err);
    process.on('uncaughtException', record);
    try {
      await during();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', record);
    }
    return seen;
  }

  it.each([
    [
      'an error event inside the stream',
      { tokens: ['a', 'b', 'c'], streamError: { afterTokens: 2, message: 'x' } },
    ],
    ['a connection cut mid-stream', { tokens: ['a', 'b', 'c', 'd'], cutAfterTokens: 2 }],
    ['a complete answer', { tokens: ['a', 'b'] }],
  ] satisfies Array<[string, Parameters<FakeOpenAI['enqueue']>[0]]>)(
    'after %s raises nothing (the caller aborts once it has its outcome)',
    async (_, script) => {
      fake.enqueue(script);
      const controller = new AbortController();
      const errors = await uncaught(async () => {
        await run(controller.signal);
        controller.abort();
      });
      expect(errors).toEqual([]);
    },
  );
});

describe('kept-alive connections', () => {
  /** An upstream that answers with one token, or drops the connection when `drop` says so. */
  async function upstream(drop: (onConnection: number) => boolean) {
    let requests = 0;
    let dropped = 0;
    const served = new WeakMap<object, number>();
    const server = http.createServer((req, res) => {
      const n = ++requests;
      const onConnection = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, onConnection);
      req.resume();
      if (drop(onConnection)) {
        dropped++;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { choices: [{ index: 0, delta: { content: `answer ${n}` }, finish_reason: null }] };
      res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return {
      model: model({ baseURL: `http://127.0.0.1:${port}/v1` }),
      dropped: () => dropped,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('sends a request again once when the server closed the reused connection before answering', async () => {
    // Each connection's second request is dropped, as a server does with a connection it closed
    // for idleness just as it was reused.
    const up = await upstream((onConnection) => onConnection === 2);
    try {
      for (let i = 0; i < 20 && up.dropped() < 3; i++) {
        const { events, error } = await run(undefined, up.model);
        expect(error).toBeNull();
        expect(texts(events)).toHaveLength(1);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(up.dropped()).toBe(3);
    } finally {
      await up.close();
    }
  });

  it('sends it again on a new connection, not on another idle one the server may have closed too', async () => {
    const up = await upstream((onConnection) => onConnection === 2);
    try {
      // Three answers at once leave three idle connections in the pool, each to be dropped when reused.
      const first = await Promise.all([
        run(undefined, up.model),
        run(undefined, up.model),
        run(undefined, up.model),
      ]);
      expect(first.map((r) => r.error)).toEqual([null, null, null]);
      await new Promise((resolve) => setImmediate(resolve));
      const { events, error } = await run(undefined, up.model);
      expect(error).toBeNull();
      expect(texts(events)).toHaveLength(1);
      expect(up.dropped()).toBe(1);
    } finally {
      await up.close();
    }
  });

  it('does not send it again when a fresh connection fails', async () => {
    const up = await upstream(() => true);
    try {
      const { error } = await run(undefined, up.model);
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(up.dropped()).toBe(1);
    } finally {
      await up.close();
    }
  });
});
