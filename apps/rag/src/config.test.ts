import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRagConfig } from './config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'cc-rag-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const base = { DATABASE_URL: 'postgres://localhost/x', DATA_DIR: dataDir };

describe('rag configuration', () => {
  it('runs offline with full-text retrieval when no model server is configured', () => {
    const config = loadRagConfig(base);
    expect(config).toMatchObject({
      llmEnabled: false,
      embeddingsEnabled: false,
      STREAM_KEEPALIVE_MS: 10_000,
      STREAM_CHUNK_SIZE: 1,
    });
  });

  it('enables the model and embeddings with an API key or a base URL', () => {
    expect(loadRagConfig({ ...base, OPENAI_API_KEY: 'sk-test' })).toMatchObject({
      llmEnabled: true,
      embeddingsEnabled: true,
    });
    expect(
      loadRagConfig({ ...base, OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_EMBEDDING_MODEL: '' }),
    ).toMatchObject({
      llmEnabled: true,
      embeddingsEnabled: false,
    });
  });

  it('answers offline with an empty chat model while embeddings stay on', () => {
    expect(
      loadRagConfig({ ...base, OPENAI_BASE_URL: 'http://localhost:11434/v1', OPENAI_CHAT_MODEL: '' }),
    ).toMatchObject({ llmEnabled: false, embeddingsEnabled: true });
  });

  it('merges the tokens that are ready by default; STREAM_COALESCE_MS is a wait in ms, or off', () => {
    expect(loadRagConfig(base).STREAM_COALESCE_MS).toBe(0);
    expect(loadRagConfig({ ...base, STREAM_COALESCE_MS: '40' }).STREAM_COALESCE_MS).toBe(40);
    expect(loadRagConfig({ ...base, STREAM_COALESCE_MS: 'off' }).STREAM_COALESCE_MS).toBe('off');
    expect(() => loadRagConfig({ ...base, STREAM_COALESCE_MS: 'never' })).toThrow(
      /STREAM_COALESCE_MS: expected off or a whole number/,
    );
  });

  it('names the variable of a bad value', () => {
    expect(() => loadRagConfig({ ...base, OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadRagConfig({ ...base, STREAM_CHUNK_SIZE: '0' })).toThrow(/STREAM_CHUNK_SIZE/);
  });
});
