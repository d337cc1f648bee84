import OpenAI, { APIConnectionError, APIError, APIUserAbortError, AuthenticationError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { multiPagePdf } from '../fixtures/index.js';
import { cosineSimilarity, fakeEmbedding } from './embeddings.js';
import { startFakeOpenAI } from './server.js';
import { defaultReply, messageText, splitTokens, syntheticTokens } from './text.js';
import type { ChatRequest, FakeOpenAI, TokenEmittedEvent } from './types.js';

let fake: FakeOpenAI;
let client: OpenAI;

const question = { role: 'user' as const, content: 'What does the Krebs cycle produce?' };

beforeAll(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
});

afterEach(async () => {
  await fake.waitForIdle();
  fake.reset();
});

afterAll(async () => {
  await fake.close();
});

async function streamChunks(
  options: { includeUsage?: boolean; signal?: AbortSignal; max_tokens?: number } = {},
): Promise<ChatCompletionChunk[]> {
  const stream = await client.chat.completions.create(
    {
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'Answer from the sources.' }, question],
      stream: true,
      ...(options.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
      ...(options.max_tokens === undefined ? {} : { max_tokens: options.max_tokens }),
    },
    { signal: options.signal },
  );
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const contentOf = (chunks: ChatCompletionChunk[]) =>
  chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).filter((t) => t !== '');

describe('streaming chat completions through the openai SDK', () => {
  it('yields exactly the scripted tokens, then finish_reason stop, then the usage chunk', async () => {
    const tokens = ['The', ' Krebs', ' cycle', ' produces', ' NADH', ' [', '1', ']', '.'];
    fake.enqueue({ tokens, usage: { prompt_tokens: 120 } });

    const chunks = await streamChunks();

    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant', content: '' });
    expect(contentOf(chunks)).toEqual(tokens);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 120, completion_tokens: tokens.length, total_tokens: 129 });
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);

    const [rec] = fake.chatRequests;
    expect(rec).toMatchObject({
      outcome: 'completed',
      completed: true,
      clientDisconnected: false,
      status: 200,
    });
    expect(rec!.tokensSent).toEqual(tokens);
    expect(rec!.tokenTimestamps).toHaveLength(tokens.length);
    expect(rec!.body.messages.at(-1)).toEqual(question);
    expect(rec!.includeUsage).toBe(true);
  });

  it('omits the usage field entirely when include_usage is not requested', async () => {
    fake.enqueue({ reply: 'Short answer.' });
    const chunks = await streamChunks({ includeUsage: false });
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(contentOf(chunks).join('')).toBe('Short answer.');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('answers by default with an echo of the question that cites [1], split into word tokens', async () => {
    const chunks = await streamChunks();
    const expected = defaultReply({ model: 'gpt-4o-mini', messages: [question] });
    expect(contentOf(chunks)).toEqual(splitTokens(expected));
    expect(expected).toContain('What does the Krebs cycle produce?');
    expect(expected).toContain('[1]');
    expect(chunks.at(-1)!.usage!.completion_tokens).toBe(splitTokens(expected).length);
    expect(chunks.at(-1)!.usage!.prompt_tokens).toBeGreaterThan(10);
  });

  it('computes the reply from the request when reply is a function', async () => {
    fake.enqueue({ reply: (req: ChatRequest) => `You said ${req.messages.length} messages.` });
    expect(contentOf(await streamChunks()).join('')).toBe('You said 2 messages.');
  });

  it('consumes enqueued scripts first in first out, each merged over the default', async () => {
    fake.setDefault({ tokens: ['default'], tokenDelayMs: 1 });
    fake.enqueue({ reply: 'first' }, { reply: 'second' });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(contentOf(await streamChunks()).join(''));
    expect(replies).toEqual(['first', 'second', 'default']);
    expect(fake.chatRequests.map((r) => r.script.tokenDelayMs)).toEqual([1, 1, 1]);
  });

  it('waits firstTokenDelayMs before the first token and tokenDelayMs between tokens', async () => {
    fake.enqueue({ tokens: ['a', 'b', 'c', 'd'], firstTokenDelayMs: 150, tokenDelayMs: 30 });
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [question],
      stream: true,
    });
    let firstContentAt = 0;
    for await (const chunk of stream)
      if (!firstContentAt && chunk.choices[0]?.delta.content) firstContentAt = performance.now();

    expect(firstContentAt - started).toBeGreaterThanOrEqual(149);
    const rec = fake.chatRequests[0]!;
    expect(rec.firstTokenAt! - rec.startedAt).toBeGreaterThanOrEqual(149);
    const gaps = rec.tokenTimestamps.slice(1).map((t, i) => t - rec.tokenTimestamps[i]!);
    expect(gaps).toHaveLength(3);
    // Timers may fire late and then catch up, so one gap can be short; the schedule is kept from the
    // request's start: the last token is never sent before 150 + 3 × 30 ms, less the 0.5 ms a timer may be early.
    expect(rec.tokenTimestamps.at(-1)! - rec.startedAt).toBeGreaterThanOrEqual(239.5);
  });

  it('reports every emitted token to onTokenEmitted', async () => {
    const seen: TokenEmittedEvent[] = [];
    fake.onTokenEmitted = (event) => seen.push(event);
    try {
      fake.enqueue({ tokens: ['x', 'y', 'z'] });
      await streamChunks();
    } finally {
      fake.onTokenEmitted = undefined;
    }
    expect(seen.map((e) => [e.index, e.token])).toEqual([
      [0, 'x'],
      [1, 'y'],
      [2, 'z'],
    ]);
    expect(seen[0]!.request).toBe(fake.chatRequests[0]);
  });

  it('stops at max_tokens with finish_reason length', async () => {
    fake.enqueue({ tokens: ['one', ' two', ' three', ' four'] });
    const chunks = await streamChunks({ max_tokens: 2 });
    expect(contentOf(chunks)).toEqual(['one', ' two']);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
  });
});

describe('non-streaming chat completions', () => {
  it('answers one chat.completion with the whole reply and its usage', async () => {
    fake.enqueue({ reply: 'The Krebs cycle produces NADH [1].', firstTokenDelayMs: 20 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [question] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message).toMatchObject({
      role: 'assistant',
      content: 'The Krebs cycle produces NADH [1].',
    });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const tokens = splitTokens('The Krebs cycle produces NADH [1].').length;
    expect(completion.usage).toMatchObject({ completion_tokens: tokens });
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + tokens);
    expect(fake.chatRequests[0]).toMatchObject({ stream: false, outcome: 'completed' });
  });
});

describe('failure modes', () => {
  it.each([429, 500, 503])(
    'fails with HTTP %i before streaming, reaching the SDK as APIError',
    async (status) => {
      fake.enqueue({ fail: { status, message: `scripted ${status}` } });
      const error = await streamChunks().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(status);
      expect((error as APIError).message).toContain(`scripted ${status}`);
      if (status === 429) expect((error as APIError).code).toBe('rate_limit_exceeded');
      expect(fake.chatRequests[0]).toMatchObject({ status, outcome: 'completed', tokensSent: [] });
    },
  );

  it('answers the error body OpenAI sends', async () => {
    fake.enqueue({ fail: { status: 429, retryAfterSeconds: 2 } });
    const res = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [question] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toEqual({
      message: expect.any(String) as string,
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    });
  });

  it('cuts the connection after N tokens: the iterator yields N tokens, then throws', async () => {
    fake.enqueue({ tokens: ['a', 'b', 'c', 'd', 'e'], cutAfterTokens: 2, tokenDelayMs: 5 });
    const received: string[] = [];
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [question],
      stream: true,
      stream_options: { include_usage: true },
    });
    const error = await (async () => {
      for await (const chunk of stream)
        if (chunk.choices[0]?.delta.content) received.push(chunk.choices[0].delta.content);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(received).toEqual(['a', 'b']);
    const rec = await fake.chatRequests[0]!.settled;
    expect(rec).toMatchObject({ outcome: 'cut', clientDisconnected: false, completed: false });
  });

  it('sends an in-stream error event after N tokens when scripted', async () => {
    fake.enqueue({ tokens: ['a', 'b', 'c'], streamError: { afterTokens: 1, message: 'model overloaded' } });
    const received: string[] = [];
    const error = await (async () => {
      const stream = await client.chat.completions.create({ model: 'm', messages: [question], stream: true });
      for await (const chunk of stream)
        if (chunk.choices[0]?.delta.content) received.push(chunk.choices[0].delta.content);
    })().catch((e: unknown) => e);
    expect(received).toEqual(['a']);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain('model overloaded');
  });

  it('hangs without answering, and records the client disconnect when the SDK call is aborted', async () => {
    fake.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = streamChunks({ signal: controller.signal }).catch((e: unknown) => e);
    const [rec] = await fake.waitForRequests(1, { kind: 'chat' });
    expect(rec!.outcome).toBe('pending');
    controller.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
    await rec!.settled;
    expect(rec).toMatchObject({ clientDisconnected: true, completed: false, outcome: 'client_disconnected' });
    expect(rec!.status).toBeNull();
    expect(fake.activeRequests).toBe(0);
  });

  it('stops emitting when the client aborts mid-stream', async () => {
    fake.enqueue({ tokens: syntheticTokens(50), tokenDelayMs: 10 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [question], stream: true },
      { signal: controller.signal },
    );
    let count = 0;
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content && ++count === 3) controller.abort();
      }
    })().catch(() => undefined);
    const rec = await fake.chatRequests[0]!.settled;
    expect(rec.clientDisconnected).toBe(true);
    const sent = rec.tokensSent.length;
    expect(sent).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rec.tokensSent.length).toBe(sent);
  });

  it('destroys open connections on close()', async () => {
    const other = await startFakeOpenAI({ defaultScript: { hang: true } });
    const otherClient = new OpenAI({ apiKey: 'test', baseURL: other.url, maxRetries: 0 });
    const pending = otherClient.chat.completions
      .create({ model: 'm', messages: [question] })
      .catch((e: unknown) => e);
    const [rec] = await other.waitForRequests(1);
    await other.close();
    expect(await pending).toBeInstanceOf(APIConnectionError);
    expect(rec).toMatchObject({ outcome: 'server_closed', clientDisconnected: false });
  });

  it('rejects a wrong API key with 401 when apiKey is set', async () => {
    const other = await startFakeOpenAI({ apiKey: 'right' });
    try {
      const wrong = new OpenAI({ apiKey: 'wrong', baseURL: other.url, maxRetries: 0 });
      const error = await wrong.chat.completions
        .create({ model: 'm', messages: [question] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      const right = new OpenAI({ apiKey: 'right', baseURL: other.url, maxRetries: 0 });
      await expect(right.models.list()).resolves.toBeDefined();
    } finally {
      await other.close();
    }
  });

  it('rejects what OpenAI rejects with 400: no messages, stream_options without stream', async () => {
    const noMessages = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [] })
      .catch((e: unknown) => e);
    expect(noMessages).toBeInstanceOf(APIError);
    expect((noMessages as APIError).status).toBe(400);
    const streamOptions = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [question], stream_options: { include_usage: true } })
      .catch((e: unknown) => e);
    expect((streamOptions as APIError).status).toBe(400);
    expect((streamOptions as APIError).message).toContain('stream_options');
  });
});

describe('many concurrent streams', () => {
  it('serves 300 concurrent streams, each with its own complete answer', async () => {
    fake.setDefault({
      reply: (req) => `Answer for ${messageText(req.messages[0]!)} ends here.`,
      firstTokenDelayMs: 20,
      tokenDelayMs: 5,
    });
    const answers = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `q${i}` }],
          stream: true,
        });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 300 }, (_, i) => `Answer for q${i} ends here.`));
    expect(fake.chatRequests.every((r) => r.outcome === 'completed')).toBe(true);
  });
});

describe('embeddings', () => {
  it('returns deterministic unit vectors of the default dimension (512) through the SDK', async () => {
    const first = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'Krebs cycle NADH',
    });
    const second = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['Krebs cycle NADH'],
    });
    const vector = first.data[0]!.embedding;
    expect(vector).toHaveLength(512);
    expect(second.data[0]!.embedding).toEqual(vector);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(first.usage.prompt_tokens).toBeGreaterThan(0);
    expect(first.usage.total_tokens).toBe(first.usage.prompt_tokens);
    // The SDK asked for base64 (its default) and decoded it: same floats as fakeEmbedding().
    expect(fake.embeddingRequests[0]!.body.encoding_format).toBe('base64');
    expect(vector).toEqual(Array.from(fakeEmbedding('Krebs cycle NADH', 512)));
  });

  it('honours the dimensions field and embeds every input of an array in order', async () => {
    const texts = ['glycolysis splits glucose', 'the French Revolution', 'glycolysis splits glucose'];
    const res = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: texts,
      dimensions: 256,
      encoding_format: 'float',
    });
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(res.data.every((d) => d.embedding.length === 256)).toBe(true);
    expect(res.data[2]!.embedding).toEqual(res.data[0]!.embedding);
    expect(fake.embeddingRequests[0]).toMatchObject({ inputs: texts, dimensions: 256 });
  });

  it('makes texts that share words more similar than unrelated texts', () => {
    const query = fakeEmbedding('What does the Krebs cycle produce?');
    const related = fakeEmbedding('For every turn, the Krebs cycle produces NADH and FADH2.');
    const unrelated = fakeEmbedding('The storming of the Bastille took place on 14 July 1789.');
    expect(cosineSimilarity(query, related)).toBeGreaterThan(0.3);
    expect(cosineSimilarity(query, related)).toBeGreaterThan(cosineSimilarity(query, unrelated) + 0.2);
  });

  it('ranks the page that states a fact first for its question (multiPagePdf)', async () => {
    const fixture = await multiPagePdf();
    const pages = fixture.expected.pages.map((text) => fakeEmbedding(text));
    for (const fact of fixture.expected.facts) {
      const query = fakeEmbedding(fact.question);
      const scores = pages.map((page) => cosineSimilarity(query, page));
      expect(scores.indexOf(Math.max(...scores)) + 1, fact.question).toBe(fact.page);
    }
  });

  it('fails like OpenAI for empty input, and as scripted', async () => {
    const empty = await client.embeddings.create({ model: 'm', input: '' }).catch((e: unknown) => e);
    expect((empty as APIError).status).toBe(400);
    fake.enqueueEmbeddings({ fail: { status: 503 } });
    const scripted = await client.embeddings.create({ model: 'm', input: 'x' }).catch((e: unknown) => e);
    expect((scripted as APIError).status).toBe(503);
    await expect(client.embeddings.create({ model: 'm', input: 'x' })).resolves.toBeDefined();
  });
});

describe('models and bookkeeping', () => {
  it('lists models', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain('gpt-4o-mini');
    expect(fake.requests[0]!.kind).toBe('models');
  });

  it('waitForRequests resolves on the n-th request of a kind and times out with a clear error', async () => {
    const waiting = fake.waitForRequests(2, { kind: 'embeddings' });
    await client.embeddings.create({ model: 'm', input: 'a' });
    await client.chat.completions.create({ model: 'm', messages: [question] });
    await client.embeddings.create({ model: 'm', input: 'b' });
    const recs = await waiting;
    expect(recs.map((r) => r.inputs)).toEqual([['a'], ['b']]);
    await expect(fake.waitForRequests(5, { timeoutMs: 20 })).rejects.toThrow(/waited 20 ms for 5/);
  });

  it('reset() forgets requests and queued scripts', async () => {
    fake.enqueue({ reply: 'queued' });
    await client.chat.completions.create({ model: 'm', messages: [question] });
    fake.enqueue({ reply: 'never used' });
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    const completion = await client.chat.completions.create({ model: 'm', messages: [question] });
    expect(completion.choices[0]!.message.content).toBe(defaultReply({ model: 'm', messages: [question] }));
    expect(fake.requests[0]!.id).toBe(1);
  });

  it('splitTokens keeps every character and syntheticTokens gives exactly n tokens', () => {
    for (const text of ['', 'a', '  lead', 'Hello, world [1].\n\n## Next\tline  ', 'café déjà-vu 42%']) {
      expect(splitTokens(text).join('')).toBe(text);
    }
    expect(splitTokens('NADH [1].')).toEqual(['NADH', ' [', '1', ']', '.']);
    for (const n of [1, 2, 8, 400]) expect(syntheticTokens(n)).toHaveLength(n);
    expect(syntheticTokens(400).join('')).toContain('[1]');
  });
});
