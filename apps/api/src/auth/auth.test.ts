import { randomInt } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import {
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type AuthResponse,
  type AuthStatus,
  type ErrorBody,
  type Usage,
} from '@classchat/contracts';
import { startStack, type Stack } from '@classchat/testkit';
import { loadApiConfig } from '../config.js';
import { startApi, type RunningApi } from '../server.js';
import { call, signup } from '../testing/api-client.js';

const LOGIN_RATE_LIMIT = 5;
const JWT_SECRET = 'test-jwt-secret';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ model: 'offline', api: { LOGIN_RATE_LIMIT: String(LOGIN_RATE_LIMIT) } });
});
afterAll(async () => {
  await stack?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stack.apiUrl}/api/v1/user/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const authStatus = (headers: Record<string, string>) =>
  fetch(`${stack.apiUrl}/api/v1/user/auth-status`, { headers });

/** auth-status answers 200 either way; signed out is `{user: null}`. */
const signedIn = async (headers: Record<string, string>): Promise<boolean> => {
  const res = await authStatus(headers);
  expect(res.status).toBe(200);
  return ((await res.json()) as AuthStatus).user !== null;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The `cc_session=…` pair of a Set-Cookie header, for sending it back. */
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('accounts', () => {
  it('signs up with a normalised email, sets the session cookie and answers the user and a token', async () => {
    const res = await post('signup', {
      name: ' Ada ',
      email: '  Ada.Lovelace@Example.EDU ',
      password: 'analytical engine',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as AuthResponse;
    expect(body.user).toMatchObject({ email: 'ada.lovelace@example.edu', name: 'Ada', plan: 'free' });
    expect(body.token).toMatch(/^ey/);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^cc_session=ey[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);

    const status = await authStatus({ cookie: cookieOf(res) });
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ user: body.user });
    expect((await authStatus({ authorization: `Bearer ${body.token}` })).status).toBe(200);
  });

  it('marks the cookie Secure when the request came over https (through a trusted proxy)', async () => {
    const res = await post(
      'signup',
      { name: 'Sec', email: `sec-${Date.now()}@example.edu`, password: 'secure enough' },
      { 'x-forwarded-proto': 'https' },
    );
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('refuses a second account with the same email (any case) with 409', async () => {
    await post('signup', { name: 'A', email: 'twice@example.edu', password: 'password one' });
    const res = await post('signup', { name: 'B', email: 'TWICE@example.edu', password: 'password two' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already exists/) as unknown,
    });
  });

  it('validates the body and lists every issue', async () => {
    const res = await post('signup', { name: '', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.code).toBe('invalid_input');
    expect(body.issues?.map((i) => i.path).sort()).toEqual(['email', 'name', 'password']);
    expect(body.issues?.find((i) => i.path === 'password')?.message).toMatch(/at least 8 characters/);
    expect((await post('login', { email: 'x@example.edu' })).status).toBe(400);
  });

  it('logs in with any case of the email; a wrong password and an unknown email get the same 401', async () => {
    const user = await signup(stack.apiUrl, 'Grace');
    const ok = await post('login', { email: user.email.toUpperCase(), password: user.password });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as AuthResponse).user.id).toBe(user.id);
    expect(ok.headers.get('set-cookie')).toMatch(/^cc_session=ey/);

    const wrong = await post('login', { email: user.email, password: 'not the password' });
    const unknown = await post('login', { email: 'nobody@example.edu', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('logs out by expiring the cookie', async () => {
    const res = await post('logout', {});
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(
      /^cc_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
    );
  });

  it('answers the usage of the month', async () => {
    const user = await signup(stack.apiUrl, 'Usage');
    const res = await call(stack.apiUrl, user, 'GET', '/user/usage');
    expect(res.status).toBe(200);
    const usage = res.body as Usage;
    expect(usage).toMatchObject({ plan: 'free', used: 0, limit: 25 });
    // USER_STORAGE_MB (500 by default), nothing stored yet.
    expect(usage.storage).toEqual({ usedBytes: 0, limitBytes: 500 * 1024 * 1024 });
    const now = new Date();
    expect(usage.resetsAt).toBe(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    );
  });
});

describe('authentication', () => {
  const key = new TextEncoder().encode(JWT_SECRET);

  it('signed out without a session, with a tampered token, an expired token or a token signed with another key', async () => {
    const user = await signup(stack.apiUrl, 'Mallory');
    const [header, payload, signature] = user.token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        sub: crypto.randomUUID(),
      }),
    ).toString('base64url');
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key);
    const otherKey = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret'));
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;

    expect(await signedIn({})).toBe(false);
    for (const token of [
      `${header}.${forged}.${signature}`,
      `${user.token}x`,
      expired,
      otherKey,
      unsigned,
      'garbage',
    ]) {
      expect(await signedIn({ authorization: `Bearer ${token}` }), token).toBe(false);
      expect(await signedIn({ cookie: `cc_session=${token}` }), token).toBe(false);
      const usage = await fetch(`${stack.apiUrl}/api/v1/user/usage`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(usage.status, token).toBe(401);
      expect(((await usage.json()) as ErrorBody).code).toBe('unauthorized');
    }
    // Never from the query string.
    const query = await fetch(`${stack.apiUrl}/api/v1/user/auth-status?token=${user.token}`);
    expect(await query.json()).toEqual({ user: null });
    for (const path of ['/classes', '/documents', '/user/usage']) {
      expect((await call(stack.apiUrl, null, 'GET', path)).status).toBe(401);
    }
  });
});

describe('login rate limit', () => {
  // A stack of its own, so the attempts above do not count; clients are told apart by X-Forwarded-For
  // (the api trusts the loopback proxy).
  const IP_LIMIT = 8;
  let limited: Stack;
  beforeAll(async () => {
    limited = await startStack({
      model: 'offline',
      api: { LOGIN_RATE_LIMIT: String(LOGIN_RATE_LIMIT), LOGIN_IP_RATE_LIMIT: String(IP_LIMIT) },
    });
  });
  afterAll(async () => {
    await limited?.stop();
  });
  const login = (body: unknown, ip: string) =>
    fetch(`${limited.apiUrl}/api/v1/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    });

  it('after LOGIN_RATE_LIMIT failures from one address on one account, that pair waits (backoff); the account stays open to every other address', async () => {
    const user = await signup(limited.apiUrl, 'Target');
    for (let i = 0; i < LOGIN_RATE_LIMIT; i++) {
      expect((await login({ email: user.email, password: `guess ${i}` }, '10.0.0.1')).status).toBe(401);
    }
    const refused = await login({ email: user.email.toUpperCase(), password: user.password }, '10.0.0.1');
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as ErrorBody;
    expect(body.code).toBe('rate_limited');
    expect(body.message).toMatch(
      /^Too many failed attempts for this account\. Please wait \d+ seconds? and try again\.$/,
    );
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(2);

    // Someone else's failures never lock the owner out: another address logs in at once.
    expect((await login({ email: user.email, password: user.password }, '10.0.0.2')).status).toBe(200);

    // A wait, not a lock: once it has passed, the right password works from that address too.
    const deadline = Date.now() + 20_000;
    let status = 429;
    while (status === 429 && Date.now() < deadline) {
      const res = await login({ email: user.email, password: user.password }, '10.0.0.1');
      status = res.status;
      if (status === 429) await sleep(Number(res.headers.get('retry-after')) * 1000);
    }
    expect(status).toBe(200);
    // The success cleared the pair's count: a typo now is a plain 401 again.
    expect((await login({ email: user.email, password: 'typo' }, '10.0.0.1')).status).toBe(401);
  });

  it('answers 429 after LOGIN_IP_RATE_LIMIT failures from one address, whatever the emails', async () => {
    for (let i = 0; i < IP_LIMIT; i++) {
      expect(
        (await login({ email: `nobody${i}@example.edu`, password: 'whatever' }, '10.9.9.9')).status,
      ).toBe(401);
    }
    const res = await login({ email: 'nobody-else@example.edu', password: 'whatever' }, '10.9.9.9');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as ErrorBody).message).toBe(
      'Too many login attempts from your network. Please wait 15 minutes and try again.',
    );
    // Malformed attempts are 400 and do not count.
    expect((await login({ email: 'x' }, '10.8.8.8')).status).toBe(400);
  });
});

describe('signup rate limit', () => {
  const SIGNUP_LIMIT = 3;
  let limited: Stack;
  beforeAll(async () => {
    limited = await startStack({ model: 'offline', api: { SIGNUP_RATE_LIMIT: String(SIGNUP_LIMIT) } });
  });
  afterAll(async () => {
    await limited?.stop();
  });
  const signupFrom = (ip: string, body: Record<string, string>) =>
    fetch(`${limited.apiUrl}/api/v1/user/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    });
  const account = (n: number) => ({
    name: `Student ${n}`,
    email: `mass-${n}-${Date.now()}@example.edu`,
    password: 'long enough password',
  });

  it('allows SIGNUP_RATE_LIMIT signups per address an hour (a taken email counts, a malformed form does not)', async () => {
    expect((await signupFrom('10.1.1.1', { name: '', email: 'bad', password: 'x' })).status).toBe(400);
    const first = account(0);
    expect((await signupFrom('10.1.1.1', first)).status).toBe(201);
    expect((await signupFrom('10.1.1.1', first)).status).toBe(409);
    expect((await signupFrom('10.1.1.1', account(1))).status).toBe(201);
    const refused = await signupFrom('10.1.1.1', account(2));
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).message).toMatch(
      /^Too many accounts were created from your network\. Please try again in \d+ minutes?\.$/,
    );
    expect((await signupFrom('10.1.1.2', account(3))).status).toBe(201);
  });
});

describe('logout', () => {
  it('revokes the token: the old cookie and bearer no longer work, and an open socket with it is closed', async () => {
    const user = await signup(stack.apiUrl, 'Leaver');
    const cookie = `cc_session=${user.token}`;
    expect((await authStatus({ cookie })).status).toBe(200);
    const socket = io(stack.apiUrl, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: user.token },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const res = await post('logout', {}, { cookie, [CSRF_HEADER]: CSRF_HEADER_VALUE });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/^cc_session=; Max-Age=0/);

    expect(await closed).toBe('io server disconnect');
    expect(await signedIn({ cookie })).toBe(false);
    expect(await signedIn({ authorization: `Bearer ${user.token}` })).toBe(false);
    const reconnect = await new Promise<Error & { data?: unknown }>((resolve) => {
      socket.once('connect_error', resolve);
      socket.connect();
    });
    expect(reconnect.data).toMatchObject({ code: 'unauthorized' });
    socket.disconnect();

    // Logging in again issues a token that works.
    const again = await post('login', { email: user.email, password: user.password });
    expect(again.status).toBe(200);
    const { token } = (await again.json()) as AuthResponse;
    expect((await authStatus({ authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('without a session (or with a revoked one) still just clears the cookie', async () => {
    expect((await post('logout', {}, { cookie: 'cc_session=garbage', [CSRF_HEADER]: '1' })).status).toBe(204);
  });
});

describe('login rate limit with Redis, across api processes', () => {
  // Two api processes on one database and one Redis: failed attempts count once, wherever they land.
  let shared: Stack;
  let second: RunningApi;
  beforeAll(async () => {
    shared = await startStack({
      model: 'offline',
      redis: true,
      api: { LOGIN_RATE_LIMIT: String(LOGIN_RATE_LIMIT) },
    });
    second = await startApi(loadApiConfig(shared.apiEnv));
  });
  afterAll(async () => {
    await second?.stop();
    await shared?.stop();
  });

  it('makes the pair wait after LOGIN_RATE_LIMIT failures spread over both processes', async () => {
    const user = await signup(shared.apiUrl, 'Shared');
    // An address of its own each run: Redis outlives the test and remembers for 15 minutes.
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const login = (apiUrl: string, password: string) =>
      fetch(`${apiUrl}/api/v1/user/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ email: user.email, password }),
      });
    for (let i = 0; i < LOGIN_RATE_LIMIT; i++) {
      const apiUrl = i % 2 === 0 ? shared.apiUrl : second.url;
      expect((await login(apiUrl, `guess ${i}`)).status).toBe(401);
    }
    for (const apiUrl of [shared.apiUrl, second.url]) {
      const res = await login(apiUrl, user.password);
      expect(res.status).toBe(429);
      expect(((await res.json()) as ErrorBody).code).toBe('rate_limited');
    }
  });
});
