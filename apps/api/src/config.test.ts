import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from './config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'cc-api-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const base = { DATABASE_URL: 'postgres://localhost/x', DATA_DIR: dataDir };

describe('api configuration', () => {
  it('has documented defaults', () => {
    const config = loadApiConfig(base);
    expect(config).toMatchObject({
      PORT: 3000,
      ENABLE_STREAMING: true,
      STREAM_TIMEOUT_MS: 60_000,
      STREAM_MAX_DURATION_S: 120,
      FREE_PLAN_MONTHLY_CHATS: 25,
    });
  });

  it('generates secrets once under DATA_DIR in the embedded default and reuses them', () => {
    const a = loadApiConfig(base);
    const b = loadApiConfig(base);
    expect(a.JWT_SECRET).toHaveLength(64);
    expect(b.JWT_SECRET).toBe(a.JWT_SECRET);
    expect(b.INTERNAL_TOKEN).toBe(a.INTERNAL_TOKEN);
  });

  it('refuses to start in production without secrets', () => {
    expect(() => loadApiConfig({ ...base, NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadApiConfig({ ...base, STREAM_TIMEOUT_MS: 'soon' })).toThrow(/STREAM_TIMEOUT_MS/);
    expect(() => loadApiConfig({ ...base, ENABLE_STREAMING: 'perhaps' })).toThrow(/ENABLE_STREAMING/);
    expect(() => loadApiConfig({ DATA_DIR: dataDir })).toThrow(/DATABASE_URL/);
  });
});
