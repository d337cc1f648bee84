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

  it('reads the security settings: public origins normalised, limits with defaults', () => {
    const config = loadApiConfig({
      ...base,
      PUBLIC_ORIGIN: 'https://chat.example.edu/, http://localhost:5173',
    });
    expect(config.PUBLIC_ORIGIN).toEqual(['https://chat.example.edu', 'http://localhost:5173']);
    const defaults = loadApiConfig(base);
    expect(defaults.PUBLIC_ORIGIN).toBeUndefined();
    expect(defaults.METRICS_TOKEN).toBeUndefined();
    expect(defaults).toMatchObject({
      LOGIN_RATE_LIMIT: 10,
      LOGIN_IP_RATE_LIMIT: 100,
      SIGNUP_RATE_LIMIT: 20,
      userStorageBytes: 500 * 1024 * 1024,
      minFreeDiskBytes: 512 * 1024 * 1024,
    });
    expect(() => loadApiConfig({ ...base, PUBLIC_ORIGIN: 'chat.example.edu' })).toThrow(/PUBLIC_ORIGIN/);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadApiConfig({ ...base, STREAM_TIMEOUT_MS: 'soon' })).toThrow(/STREAM_TIMEOUT_MS/);
    expect(() => loadApiConfig({ ...base, ENABLE_STREAMING: 'perhaps' })).toThrow(/ENABLE_STREAMING/);
    expect(() => loadApiConfig({ DATA_DIR: dataDir })).toThrow(/DATABASE_URL/);
  });
});
