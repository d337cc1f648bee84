import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webStatic } from './web-static.js';

const INDEX = '<!doctype html><title>Class Chat</title>';
const base = mkdtempSync(join(tmpdir(), 'cc-web-static-'));
const dist = join(base, '.local', 'share', 'classchat', 'web');
let server: ReturnType<express.Express['listen']>;
let url = '';

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  const app = express();
  app.use(webStatic(dist)!);
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  rmSync(base, { recursive: true, force: true });
});

describe('the built front end', () => {
  it('is served from a folder under a hidden directory, client-side routes included', async () => {
    for (const path of ['/', '/chat/some-session']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(INDEX);
    }
    expect(await (await fetch(`${url}/assets/app.js`)).text()).toBe('console.log(1)');
  });

  it('does not serve dotfiles asked for by path', async () => {
    writeFileSync(join(dist, '.env'), 'SECRET=1');
    const res = await fetch(`${url}/.env`);
    expect(await res.text()).not.toContain('SECRET');
  });
});
