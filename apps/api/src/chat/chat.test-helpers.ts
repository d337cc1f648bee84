import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import {
  ChatNewAccepted,
  ChatSseEvent,
  ErrorBody,
  decodeSse,
  type ChatStreamCompletePayload,
  type ChatStreamErrorPayload,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@classchat/contracts';
import type { Plan } from '@classchat/contracts';
import type { Repositories } from '@classchat/db';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { seedReadyDocument, startStack, type Stack, type StackOptions } from '@classchat/testkit';

export interface TestUser {
  id: string;
  token: string;
}

/** A chat event as a test client saw it: the SSE shape plus when it arrived (`performance.now()`). */
export type SeenEvent = ChatSseEvent & { at: number };

export interface TestSocket {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  events: SeenEvent[];
  /** The events of one stream. */
  of(streamId: string): SeenEvent[];
  /** Resolves with the stream's `chat-stream-complete` or `chat-stream-error`. */
  terminal(streamId: string, timeoutMs?: number): Promise<SeenEvent>;
  waitFor(predicate: (e: SeenEvent) => boolean, timeoutMs?: number): Promise<SeenEvent>;
  close(): void;
}

export const isTerminalSeen = (e: SeenEvent) =>
  e.type === 'chat-stream-complete' || e.type === 'chat-stream-error';

export function repositoriesOf(stack: Stack): Repositories {
  return stack.api.ctx.repos;
}

/**
 * A student. With `material` (the default) they have uploaded the course notes (ready, in no class),
 * so questions about them are answered from the material by the model, and count as chats;
 * `material: false`: nothing uploaded (every answer then says so, and costs nothing).
 */
export async function createUser(
  stack: Stack,
  options: { plan?: Plan; name?: string; material?: boolean } = {},
): Promise<TestUser> {
  const user = await repositoriesOf(stack).users.create({
    email: `${options.name ?? 'student'}-${randomUUID()}@example.com`,
    name: options.name ?? 'Student',
    passwordHash: 'unused-in-these-tests',
    plan: options.plan ?? 'free',
  });
  if (options.material ?? true) await seedNotes(stack, user.id, null);
  return { id: user.id, token: await stack.api.ctx.tokens.sign(user.id) };
}

/** Sets the user's monthly count (and optionally the month it belongs to) directly in the database. */
export async function setChatCount(
  stack: Stack,
  userId: string,
  count: number,
  resetAt?: Date,
): Promise<void> {
  await stack.api.ctx.database.pool.query(
    'UPDATE users SET chat_request_count = $2, chat_request_reset_at = coalesce($3::timestamptz, chat_request_reset_at) WHERE id = $1',
    [userId, count, resetAt?.toISOString() ?? null],
  );
}

export async function usage(stack: Stack, userId: string) {
  const u = await repositoriesOf(stack).users.getUsage(userId);
  return { used: u!.used, reserved: u!.reserved };
}

/** Five pages of course notes, one topic each. */
export const NOTES_PAGES = [
  'Membranes and transport. The plasma membrane is a phospholipid bilayer studded with proteins. ' +
    'Cholesterol keeps the membrane flexible. Osmosis is the diffusion of water across a semipermeable membrane.',
  'Mitochondria. The mitochondrion produces ATP through cellular respiration. The Krebs cycle runs in the ' +
    'mitochondrial matrix and the electron transport chain sits in the inner membrane.',
  'Photosynthesis. Chloroplasts capture light energy. The light reactions make ATP and NADPH in the thylakoid ' +
    'membranes; the Calvin cycle fixes carbon dioxide into sugar in the stroma.',
  'Cell division. Mitosis produces two identical daughter cells. Meiosis produces four gametes with half the ' +
    'chromosome number, and crossing over in prophase I creates genetic variation.',
  'Enzymes. Enzymes are proteins that lower the activation energy of reactions. Temperature and pH change the ' +
    'shape of the active site, and competitive inhibitors bind the active site itself.',
];

/**
 * The course notes (five pages, one chunk per page, with the fake upstream's embeddings) as a ready
 * document of the user, in a class of its own.
 */
export async function seedDocument(stack: Stack, userId: string) {
  const cls = await repositoriesOf(stack).classes.create(userId, `Biology ${randomUUID().slice(0, 8)}`);
  return { classId: cls.id, documentId: await seedNotes(stack, userId, cls.id) };
}

/** The course notes as a ready document of the user in `classId` (null: no class); its id. */
function seedNotes(stack: Stack, userId: string, classId: string | null): Promise<string> {
  return seedReadyDocument(
    repositoriesOf(stack),
    { userId, classId, fileName: 'cell-biology.pdf', mimeType: 'application/pdf' },
    NOTES_PAGES,
  );
}

export async function connectSocket(stack: Stack, user: TestUser): Promise<TestSocket> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(stack.apiUrl, {
    auth: { token: user.token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  const events: SeenEvent[] = [];
  const waiters = new Set<{ predicate: (e: SeenEvent) => boolean; resolve: (e: SeenEvent) => void }>();
  socket.onAny((name: string, payload: object) => {
    if (!name.startsWith('chat-stream-')) return;
    const event = { type: name, ...payload, at: performance.now() } as SeenEvent;
    events.push(event);
    for (const w of waiters) {
      if (w.predicate(event)) {
        waiters.delete(w);
        w.resolve(event);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const waitFor = (predicate: (e: SeenEvent) => boolean, timeoutMs = 15_000) => {
    const found = events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<SeenEvent>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (e: SeenEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching socket event within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };
  return {
    socket,
    events,
    of: (streamId) => events.filter((e) => e.streamId === streamId),
    terminal: (streamId, timeoutMs) =>
      waitFor((e) => e.streamId === streamId && isTerminalSeen(e), timeoutMs),
    waitFor,
    close: () => void socket.disconnect(),
  };
}

/**
 * One stack for a whole test file, handed to `use` once it runs; the fake model is reset after each
 * test, and the sockets that the returned `open` connects are closed with the stack at the end.
 */
export function sharedChatStack(
  options: StackOptions,
  use: (stack: Stack) => void,
): (user: TestUser) => Promise<TestSocket> {
  let stack: Stack | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    stack = await startStack(options);
    use(stack);
  });
  afterEach(() => {
    stack!.upstream!.reset();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await stack?.stop();
  });
  return async (user) => {
    const s = await connectSocket(stack!, user);
    sockets.push(s);
    return s;
  };
}

export interface ChatPost {
  message?: string;
  classId?: string | null;
  class_name?: string | null;
  docId?: string | null;
  chatSessionId?: string | null;
  ephemeral?: boolean;
  retry?: boolean;
  streamId?: string;
}

export async function postChat(
  stack: Stack,
  user: TestUser | null,
  body: ChatPost,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; res: Response }> {
  const res = await fetch(`${stack.apiUrl}/api/v1/chat/new`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(user ? { authorization: `Bearer ${user.token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null, res };
}

/** `POST chat/new` expecting 202. */
export async function startChat(
  stack: Stack,
  user: TestUser,
  body: ChatPost,
  headers?: Record<string, string>,
) {
  const { status, json } = await postChat(stack, user, body, headers);
  if (status !== 202) throw new Error(`chat/new answered ${status}: ${JSON.stringify(json)}`);
  return ChatNewAccepted.parse(json);
}

/** One whole chat over the socket: 202, then the stream's terminal event. */
export async function chat(stack: Stack, user: TestUser, client: TestSocket, body: ChatPost) {
  const accepted = await startChat(stack, user, { streamId: randomUUID(), ...body });
  const end = await client.terminal(accepted.streamId);
  return { accepted, end, events: client.of(accepted.streamId) };
}

export function completeOf(e: SeenEvent): ChatStreamCompletePayload {
  if (e.type !== 'chat-stream-complete') throw new Error(`expected complete, got ${JSON.stringify(e)}`);
  return e;
}

export function errorOf(e: SeenEvent): ChatStreamErrorPayload {
  if (e.type !== 'chat-stream-error') throw new Error(`expected error, got ${JSON.stringify(e)}`);
  return e;
}

export const errorBodyOf = (json: unknown) => ErrorBody.parse(json);

/** `POST chat/new` with `Accept: text/event-stream`: the status, headers and every SSE event. */
export async function postChatSse(stack: Stack, user: TestUser, body: ChatPost) {
  const res = await fetch(`${stack.apiUrl}/api/v1/chat/new`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${user.token}`,
    },
    body: JSON.stringify(body),
  });
  const events: ChatSseEvent[] = [];
  if (res.body) for await (const e of decodeSse(res.body, ChatSseEvent)) events.push(e);
  return { res, events };
}

export async function until<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
