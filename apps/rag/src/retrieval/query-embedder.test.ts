import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from '@classchat/testkit';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIQueryEmbedder } from './search.js';

let upstream: FakeOpenAI;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  client = new OpenAI({ apiKey: 'test', baseURL: upstream.url, maxRetries: 0 });
});

afterEach(() => upstream.reset());
afterAll(async () => {
  await upstream?.close();
});

const embedder = () => createOpenAIQueryEmbedder(client, 'text-embedding-3-small', { retryDelayMs: 1 });

describe('query embeddings', () => {
  it('asks for 512 base64 dimensions with the key and returns the vector as the SDK would', async () => {
    const vector = await embedder().embedQuery('what does glycolysis produce?');

    const expected = Array.from(fakeEmbedding('what does glycolysis produce?', 512));
    expect(vector).toHaveLength(512);
    vector.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
    const sdk = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'what does glycolysis produce?',
      dimensions: 512,
    });
    expect(vector).toEqual(sdk.data[0]!.embedding);
    const [request] = upstream.embeddingRequests;
    expect(request!.body).toMatchObject({ dimensions: 512, encoding_format: 'base64' });
    expect(request!.headers.authorization).toBe('Bearer test');
  });

  it('keeps its connection alive for the next question', async () => {
    const e = embedder();
    for (let i = 0; i < 3; i++) await e.embedQuery(`question ${i}`);

    expect(upstream.embeddingRequests.map((r) => r.headers.connection)).toEqual([
      'keep-alive',
      'keep-alive',
      'keep-alive',
    ]);
  });

  it('asks each later question with the first request’s headers and its own input', async () => {
    const e = embedder();
    await e.embedQuery('first question');
    const second = e.embedQuery('second question');
    const third = e.embedQuery('third question');
    const vectors = await Promise.all([second, third]);

    expect(vectors[1]).toEqual(Array.from(fakeEmbedding('third question', 512)).map((x) => Math.fround(x)));
    const [first, ...later] = upstream.embeddingRequests;
    expect(later.map((r) => r.body)).toEqual([
      { ...first!.body, input: 'second question' },
      { ...first!.body, input: 'third question' },
    ]);
    for (const r of later) {
      expect(r.headers.authorization).toBe('Bearer test');
      expect(r.headers['user-agent']).toBe(first!.headers['user-agent']);
      expect(r.headers['content-type']).toBe(first!.headers['content-type']);
    }
  });

  it('tries a server error once more, as the SDK would', async () => {
    upstream.enqueueEmbeddings({ fail: { status: 500 } });

    const vector = await embedder().embedQuery('enzymes');

    expect(vector).toHaveLength(512);
    expect(upstream.embeddingRequests).toHaveLength(2);
  });

  it('gives up after the second failure with the SDK error of its status', async () => {
    upstream.enqueueEmbeddings({ fail: { status: 503 } }, { fail: { status: 429 } });

    await expect(embedder().embedQuery('enzymes')).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(upstream.embeddingRequests).toHaveLength(2);
  });

  it('does not repeat a request the server refused as malformed', async () => {
    upstream.enqueueEmbeddings({ fail: { status: 400, message: 'bad input' } });

    await expect(embedder().embedQuery('enzymes')).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(upstream.embeddingRequests).toHaveLength(1);
  });

  it('stops when its answer is no longer wanted, without a retry', async () => {
    upstream.enqueueEmbeddings({ hang: true });
    const controller = new AbortController();
    const pending = embedder().embedQuery('enzymes', controller.signal);
    await upstream.waitForRequests(1, { kind: 'embeddings' });

    controller.abort();

    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(upstream.embeddingRequests).toHaveLength(1);
  });

  it('times out an attempt that gets no answer', async () => {
    upstream.enqueueEmbeddings({ hang: true }, { hang: true });
    const e = createOpenAIQueryEmbedder(client, 'text-embedding-3-small', { timeoutMs: 50, retryDelayMs: 1 });

    await expect(e.embedQuery('enzymes')).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(upstream.embeddingRequests).toHaveLength(2);
  });
});
