/**
 * Helpers for the api's integration tests: a user with a session, uploads, and a real Socket.IO client
 * that records what it receives. Used only by `*.test.ts` files.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  AuthResponse,
  ClientToServerEvents,
  DocumentDto,
  ServerToClientEvents,
  UploadResponse,
} from '@classchat/contracts';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  /** `Authorization: Bearer …` */
  auth: Record<string, string>;
}

export async function signup(apiUrl: string, name = 'Student'): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 8)}@example.edu`;
  const password = 'correct horse battery';
  const res = await fetch(`${apiUrl}/api/v1/user/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, password }),
  });
  if (res.status !== 201) throw new Error(`signup answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as AuthResponse;
  return {
    id: body.user.id,
    email,
    password,
    token: body.token,
    auth: { authorization: `Bearer ${body.token}` },
  };
}

export async function call(
  apiUrl: string,
  user: TestUser | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(user?.auth ?? {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (a file)
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function upload(
  apiUrl: string,
  user: TestUser,
  file: { fileName: string; bytes: Buffer },
  fields: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(file.bytes)]), file.fileName);
  const res = await fetch(`${apiUrl}/api/v1/documents`, { method: 'POST', headers: user.auth, body: form });
  return { status: res.status, body: await res.json() };
}

/** Upload that must be accepted; returns the new (or duplicate) document. */
export async function uploadOk(
  apiUrl: string,
  user: TestUser,
  file: { fileName: string; bytes: Buffer },
  fields: Record<string, string> = {},
): Promise<DocumentDto> {
  const res = await upload(apiUrl, user, file, fields);
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`upload of ${file.fileName} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return (res.body as UploadResponse).document;
}

type EventName = keyof ServerToClientEvents;
export type RecordedEvent = {
  [K in EventName]: { event: K; payload: Parameters<ServerToClientEvents[K]>[0] };
}[EventName];

export interface RecordingSocket {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  events: RecordedEvent[];
  close(): void;
}

/** A connected Socket.IO client (websocket transport, token in `auth`) recording every event. */
export async function connectSocket(apiUrl: string, token: string): Promise<RecordingSocket> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(apiUrl, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const events: RecordedEvent[] = [];
  socket.onAny((event: string, payload: unknown) => {
    events.push({ event, payload } as RecordedEvent);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return { socket, events, close: () => void socket.disconnect() };
}

/** Resolves once `check()` is truthy (polling), or fails after `timeoutMs` with `what`. */
type Falsy = null | undefined | false | 0 | '';

export async function waitFor<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls the document until it is `ready` or `failed`. */
export async function waitForTerminal(apiUrl: string, user: TestUser, id: string): Promise<DocumentDto> {
  return waitFor(async () => {
    const res = await call(apiUrl, user, 'GET', `/documents/${id}`);
    const doc = res.body as DocumentDto;
    return doc.status === 'ready' || doc.status === 'failed' ? doc : null;
  }, `document ${id} to finish`);
}
