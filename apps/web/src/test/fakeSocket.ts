import type { ServerToClientEvents } from '@classchat/contracts';
import type { RealtimeSocket } from '../streaming/socket.js';

type Listener = (...args: unknown[]) => void;

/**
 * A stand-in for the Socket.IO client with just on/off/emit: the test plays the server by calling
 * `serverEmit`, reads what the client sent from `sent`, and counts listeners.
 */
export class FakeSocket {
  connected = true;
  recovered = false;
  readonly sent: { event: string; payload: unknown }[] = [];
  private readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  off(event: string, listener?: Listener): this {
    const list = this.listeners.get(event) ?? [];
    const i = listener ? list.indexOf(listener) : -1;
    if (i !== -1) list.splice(i, 1);
    return this;
  }

  private readonly acks: { event: string; ack: (result: unknown) => void }[] = [];

  emit(event: string, payload: unknown, ack?: (result: unknown) => void): this {
    this.sent.push({ event, payload });
    if (ack) this.acks.push({ event, ack });
    return this;
  }

  /** Answer the oldest unanswered acknowledgement callback of `event` (as the server's ack). */
  ack(event: string, result: unknown): void {
    const i = this.acks.findIndex((a) => a.event === event);
    if (i === -1) throw new Error(`no pending ack for ${event}`);
    const [pending] = this.acks.splice(i, 1);
    pending!.ack(result);
  }

  /** Deliver an event from "the server" to every listener, as socket.io does. */
  serverEmit<E extends keyof ServerToClientEvents>(
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) l(payload);
  }

  disconnect(): void {
    this.connected = false;
    for (const l of [...(this.listeners.get('disconnect') ?? [])]) l('transport close');
  }

  reconnect({ recovered }: { recovered: boolean }): void {
    this.connected = true;
    this.recovered = recovered;
    for (const l of [...(this.listeners.get('connect') ?? [])]) l();
  }

  /** The server refusing the handshake (its middleware's error, `data` included), as socket.io reports it. */
  refuse(message: string, data: unknown): void {
    this.connected = false;
    const error = Object.assign(new Error(message), { data });
    for (const l of [...(this.listeners.get('connect_error') ?? [])]) l(error);
  }

  listenerCount(event?: string): number {
    if (event) return this.listeners.get(event)?.length ?? 0;
    let n = 0;
    for (const list of this.listeners.values()) n += list.length;
    return n;
  }

  sentOf(event: string): unknown[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload);
  }

  asSocket(): RealtimeSocket {
    return this as unknown as RealtimeSocket;
  }
}

export const SESSION_ID = '11111111-1111-4111-8111-111111111111';
export const STREAM_ID = '22222222-2222-4222-8222-222222222222';
export const OTHER_STREAM_ID = '33333333-3333-4333-8333-333333333333';
export const MESSAGE_ID = '44444444-4444-4444-8444-444444444444';
export const DOC_ID = '55555555-5555-4555-8555-555555555555';
export const CHUNK_ID = '66666666-6666-4666-8666-666666666666';

export function token(seq: number, text: string, streamId = STREAM_ID) {
  return { sessionId: SESSION_ID, streamId, seq, token: text };
}

export function citation(n: number, page = 3) {
  return {
    n,
    documentId: DOC_ID,
    fileName: 'Lecture 4 — Eigenvalues.pdf',
    page,
    chunkId: CHUNK_ID,
    snippet: 'An eigenvector of a square matrix is a nonzero vector',
    charStart: 10,
    charEnd: 60,
    href: `/documents/${DOC_ID}?page=${page}&chunk=${CHUNK_ID}`,
  };
}

export function complete(content: string, overrides: Record<string, unknown> = {}) {
  return {
    sessionId: SESSION_ID,
    streamId: STREAM_ID,
    messageId: MESSAGE_ID,
    content,
    citations: [citation(1)],
    chunkReferences: [],
    versions: [
      { content, citations: [citation(1)], chunkReferences: [], createdAt: '2025-11-20T10:00:00.000Z' },
    ],
    currentVersion: 0,
    status: 'complete' as const,
    ...overrides,
  };
}
