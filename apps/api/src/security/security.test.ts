import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, CSRF_HEADER_VALUE, type ErrorBody } from '@classchat/contracts';
import { createRepositories } from '@classchat/db';
import { startStack, type Stack } from '@classchat/testkit';
import { loadApiConfig } from '../config.js';
import { startApi, type RunningApi } from '../server.js';
import { call, signup, type TestUser } from '../testing/api-client.js';

const METRICS_TOKEN = 'scrape-token-for-tests';

let stack: Stack;
let alice: TestUser;
/**
 * A second api on the same database, configured with PUBLIC_ORIGIN and without METRICS_TOKEN, serving
 * a built front end (`webDist`).
 */
let behindProxy: RunningApi;
const webDist = mkdtempSync(join(tmpdir(), 'cc-web-dist-'));
const INDEX_HTML =
  '<!doctype html><html><head><title>Class Chat</title></head><body><div id="root"></div></body></html>';
const PUBLIC_ORIGIN = 'https://chat.example.edu';

beforeAll(async () => {
  stack = await startStack({ model: 'offline', api: { METRICS_TOKEN } });
  alice = await signup(stack.apiUrl, 'Alice');
  writeFileSync(join(webDist, 'index.html'), INDEX_HTML);
  behindProxy = await startApi(
    loadApiConfig({ ...stack.apiEnv, METRICS_TOKEN: undefined, PUBLIC_ORIGIN, WEB_DIST_DIR: webDist }),
  );
});
afterAll(async () => {
  await behindProxy?.stop();
  await stack?.stop();
  rmSync(webDist, { recursive: true, force: true });
});

/** The origin of the api as a browser that loaded the app from it sends it. */
const servedOrigin = () => new URL(stack.apiUrl).origin;
/** A page on another port of the same host: same site, another origin. */
const otherPort = () => {
  const url = new URL(stack.apiUrl);
  return `${url.protocol}//${url.hostname}:${Number(url.port) === 9 ? 10 : 9}`;
};
const cookie = (user: TestUser) => ({ cookie: `cc_session=${user.token}` });

/** Connects with the given options; 'connected', or the connect_error's message. */
function attempt(apiUrl: string, options: Partial<ManagerOptions & SocketOptions>): Promise<string> {
  const socket = io(apiUrl, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (err: Error) => {
      socket.disconnect();
      resolve(err.message);
    });
  });
}

describe('Socket.IO and the Origin of the page', () => {
  it("refuses a socket opened from another origin, even with the victim's cookie", async () => {
    for (const origin of [otherPort(), 'https://evil.example', 'null']) {
      expect(await attempt(stack.apiUrl, { extraHeaders: { ...cookie(alice), origin } }), origin).not.toBe(
        'connected',
      );
      expect(
        await attempt(stack.apiUrl, { transports: ['polling'], extraHeaders: { ...cookie(alice), origin } }),
        `${origin} (polling)`,
      ).not.toBe('connected');
    }
  });

  it('accepts the page the app was served from, and clients that send no Origin', async () => {
    expect(await attempt(stack.apiUrl, { extraHeaders: { ...cookie(alice), origin: servedOrigin() } })).toBe(
      'connected',
    );
    expect(await attempt(stack.apiUrl, { auth: { token: alice.token } })).toBe('connected');
  });

  it('with PUBLIC_ORIGIN, only that origin may connect', async () => {
    const served = new URL(behindProxy.url).origin;
    expect(
      await attempt(behindProxy.url, { extraHeaders: { ...cookie(alice), origin: PUBLIC_ORIGIN } }),
    ).toBe('connected');
    expect(await attempt(behindProxy.url, { extraHeaders: { ...cookie(alice), origin: served } })).not.toBe(
      'connected',
    );
  });
});

describe('CSRF: state-changing requests', () => {
  /** A text file of its own each time (the same content again would be a duplicate: 200). */
  const uploadForm = () => {
    const form = new FormData();
    form.append('file', new Blob([`Notes ${crypto.randomUUID()}\n`]), 'notes.txt');
    return form;
  };
  const post = (apiUrl: string, headers: Record<string, string>) =>
    fetch(`${apiUrl}/api/v1/documents`, { method: 'POST', headers, body: uploadForm() });

  it('refuses a cookie-authenticated multipart upload without the CSRF header (what a cross-site form sends)', async () => {
    const before = (await createRepositories(stack.api.ctx.database.db).documents.list(alice.id)).length;
    const res = await post(stack.apiUrl, cookie(alice));
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).message).toMatch(/did not come from the Class Chat app/);
    expect(await createRepositories(stack.api.ctx.database.db).documents.list(alice.id)).toHaveLength(before);
  });

  it('accepts it with the header, and bearer clients without it', async () => {
    expect((await post(stack.apiUrl, { ...cookie(alice), [CSRF_HEADER]: CSRF_HEADER_VALUE })).status).toBe(
      201,
    );
    expect((await post(stack.apiUrl, alice.auth)).status).toBe(201);
  });

  it('refuses a JSON request with the cookie and no header too, but reads stay open', async () => {
    const create = await fetch(`${stack.apiUrl}/api/v1/classes`, {
      method: 'POST',
      headers: { ...cookie(alice), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Planted' }),
    });
    expect(create.status).toBe(403);
    const list = await fetch(`${stack.apiUrl}/api/v1/classes`, { headers: cookie(alice) });
    expect(list.status).toBe(200);
  });

  it('refuses any state-changing request from a page of another origin, header or not', async () => {
    const res = await post(stack.apiUrl, {
      ...cookie(alice),
      [CSRF_HEADER]: CSRF_HEADER_VALUE,
      origin: otherPort(),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).message).toMatch(/another website/);
    const login = await fetch(`${stack.apiUrl}/api/v1/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: alice.email, password: alice.password }),
    });
    expect(login.status).toBe(403);
    const same = await post(stack.apiUrl, {
      ...cookie(alice),
      [CSRF_HEADER]: CSRF_HEADER_VALUE,
      origin: servedOrigin(),
    });
    expect(same.status).toBe(201);
  });
});

describe('security headers', () => {
  it('sends a CSP that forbids framing, X-Frame-Options, Referrer-Policy and nosniff', async () => {
    for (const path of ['/healthz', '/api/v1/user/auth-status', '/']) {
      const res = await fetch(`${stack.apiUrl}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('the served web app', () => {
  it('comes with a CSP that forbids framing it, on the page and on every client-side route', async () => {
    for (const path of ['/', '/index.html', '/chat/some-session']) {
      const res = await fetch(`${behindProxy.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await res.text()).toBe(INDEX_HTML);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});

describe('/metrics on the public port', () => {
  it('answers only a scraper with METRICS_TOKEN', async () => {
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const scraped = await fetch(`${stack.apiUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^# HELP /m);
  });

  it('is not served at all without METRICS_TOKEN', async () => {
    const res = await fetch(`${behindProxy.url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/# HELP/);
  });
});

describe('NUL characters in stored text', () => {
  it('answer 400 naming the field, never 500', async () => {
    const session = await createRepositories(stack.api.ctx.database.db).sessions.create({
      userId: alice.id,
      title: 'A session',
    });
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/classes', { name: 'Bio\u0000logy' }, 'name'],
      ['POST', '/chat/new', { message: 'What is\u0000 osmosis?' }, 'message'],
      ['PATCH', `/chat/sessions/${session.id}`, { title: 'Ti\u0000tle' }, 'title'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(stack.apiUrl, alice, method, path, body);
      expect(res.status, path).toBe(400);
      expect((res.body as ErrorBody).issues).toEqual([
        { path: field, message: 'must not contain NUL characters' },
      ]);
    }
    const signupRes = await fetch(`${stack.apiUrl}/api/v1/user/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Eve\u0000', email: 'nul@example.edu', password: 'long enough' }),
    });
    expect(signupRes.status).toBe(400);
    expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);
  });
});
