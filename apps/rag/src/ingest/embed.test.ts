import { getEventListeners } from 'node:events';
import { startFakeOpenAI, type FakeOpenAI } from '@classchat/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadRagConfig } from '../config.js';
import { createOpenAIEmbedder, embedAll, type Embedder } from './embed.js';

let upstream: FakeOpenAI;
let embedder: Embedder;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  const config = loadRagConfig({
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    INTERNAL_TOKEN: 'test',
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: upstream.url,
  });
  embedder = createOpenAIEmbedder(config)!;
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await upstream?.close();
});

describe('ingestion embeddings', () => {
  it('leaves no abort listener on the document’s signal however many batches it sends', async () => {
    const document = new AbortController();
    const texts = Array.from({ length: 24 }, (_, i) => `paragraph ${i} of a long manual`);

    const vectors = await embedAll(
      embedder,
      texts,
      texts.map(() => 8),
      {
        batchSize: 2,
        signal: document.signal,
      },
    );

    expect(vectors).toHaveLength(24);
    expect(upstream.embeddingRequests).toHaveLength(12);
    expect(getEventListeners(document.signal, 'abort')).toHaveLength(0);
  });

  it('still stops a request under way when the document’s signal aborts', async () => {
    upstream.setEmbeddingsDefault({ hang: true });
    const document = new AbortController();
    const pending = embedder.embed(['a page'], document.signal);
    await upstream.waitForRequests(1, { kind: 'embeddings' });

    document.abort(new Error('the caller went away'));

    await expect(pending).rejects.toThrow();
    expect(getEventListeners(document.signal, 'abort')).toHaveLength(0);
  });
});
