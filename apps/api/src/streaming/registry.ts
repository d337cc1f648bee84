import { randomUUID } from 'node:crypto';
import type { AnswerCoverage, ChunkReference, Citation, Route } from '@classchat/contracts';
import { isTerminal, type ChatEvent } from './events.js';
import { StreamAbort, type StreamAbortKind } from './failures.js';

/** One running chat stream of this api process. */
export interface ActiveStream {
  readonly streamId: string;
  readonly userId: string;
  readonly sessionId: string;
  /** The request id of `POST chat/new`, carried to rag as X-Request-ID. */
  readonly requestId: string;
  /** `performance.now()` when `POST chat/new` arrived (first-token latency is measured from here). */
  readonly receivedAt: number;
  /** Aborting it closes the rag request; its `reason` is a `StreamAbort` saying why. */
  readonly controller: AbortController;
  /** The route rag chose, once `chat-stream-start` went out. */
  route: Route | null;
  /** `seq` of the last `chat-stream-token` published (0 before the first). */
  seq: number;
  /** The answer so far: every token published, concatenated. */
  text: string;
  /** The context rag gave the model (its `sources` event): what the markers of a stopped answer cite. */
  sources: {
    citations: Citation[];
    chunkReferences: ChunkReference[];
    /** Whether the answer stands on the material (null: rag did not say). */
    coverage: AnswerCoverage | null;
  } | null;
  /** True once `chat-stream-complete` or `chat-stream-error` was published. */
  ended: boolean;
}

/** Receives every event of a stream, in publish order (the replay buffer and sockets, an SSE response). */
export type ChatEventSink = (event: ChatEvent, stream: ActiveStream) => void;

export interface BeginStreamInput {
  streamId: string;
  userId: string;
  sessionId: string;
  requestId: string;
  receivedAt: number;
}

interface Entry {
  stream: ActiveStream;
  sinks: Set<ChatEventSink>;
}

/**
 * The in-process registry of running chat streams (streamId → stream) and the one `publish` through
 * which every chat event leaves the relay: to the stream's sinks, in the order they were added.
 *
 * For stop / resume (issue 6): `get`/`getForUser` find a stream, `cancel` aborts it as the user's
 * Stop, `addSink` (or `onBegin` + `addSink` for every new stream) taps its events for a replay
 * buffer. Entries leave the registry when the relay calls `end` — always, whatever the outcome.
 */
export class StreamRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly beginHooks = new Set<(stream: ActiveStream) => void>();
  private readonly endHooks = new Set<(stream: ActiveStream) => void>();

  constructor(private readonly onSinkError: (err: unknown, stream: ActiveStream) => void = () => {}) {}

  /** Running streams in this process. */
  get size(): number {
    return this.entries.size;
  }

  /** The client's stream id when given and not running already, a fresh one otherwise. */
  pickStreamId(requested: string | null | undefined): string {
    return requested && !this.entries.has(requested) ? requested : randomUUID();
  }

  /** Registers a new stream; throws if the id is running already (use `pickStreamId`). */
  begin(input: BeginStreamInput): ActiveStream {
    if (this.entries.has(input.streamId)) throw new Error(`stream ${input.streamId} is already running`);
    const stream: ActiveStream = {
      ...input,
      controller: new AbortController(),
      route: null,
      seq: 0,
      text: '',
      sources: null,
      ended: false,
    };
    this.entries.set(stream.streamId, { stream, sinks: new Set() });
    for (const hook of this.beginHooks) hook(stream);
    return stream;
  }

  get(streamId: string): ActiveStream | undefined {
    return this.entries.get(streamId)?.stream;
  }

  /** The stream if it is running and belongs to `userId` (another user's stream reads as absent). */
  getForUser(userId: string, streamId: string): ActiveStream | undefined {
    const stream = this.get(streamId);
    return stream && stream.userId === userId ? stream : undefined;
  }

  /** The user's running streams. */
  forUser(userId: string): ActiveStream[] {
    return [...this.entries.values()].map((e) => e.stream).filter((s) => s.userId === userId);
  }

  /**
   * The one way a chat event leaves the relay: hands it to each of the stream's sinks, in the order
   * they were added (the replay buffer before the sockets, so it never misses what a client saw).
   * Nothing is published after the terminal event.
   */
  publish(stream: ActiveStream, event: ChatEvent): void {
    if (stream.ended) return;
    if (isTerminal(event)) stream.ended = true;
    const entry = this.entries.get(stream.streamId);
    if (!entry) return;
    for (const sink of entry.sinks) {
      try {
        sink(event, stream);
      } catch (err) {
        this.onSinkError(err, stream);
      }
    }
  }

  /** Taps a running stream's events from now on; returns the function that removes the sink. */
  addSink(streamId: string, sink: ChatEventSink): () => void {
    const entry = this.entries.get(streamId);
    if (!entry) return () => {};
    entry.sinks.add(sink);
    return () => void entry.sinks.delete(sink);
  }

  /** Runs for every stream right after `begin` (before any event); returns the unsubscribe. */
  onBegin(hook: (stream: ActiveStream) => void): () => void {
    this.beginHooks.add(hook);
    return () => void this.beginHooks.delete(hook);
  }

  /** Runs for every stream when it leaves the registry; returns the unsubscribe. */
  onEnd(hook: (stream: ActiveStream) => void): () => void {
    this.endHooks.add(hook);
    return () => void this.endHooks.delete(hook);
  }

  /** The user's Stop: aborts the stream's rag request. false when not running or not the user's. */
  cancel(userId: string, streamId: string): boolean {
    const stream = this.getForUser(userId, streamId);
    if (!stream || stream.ended) return false;
    abort(stream, 'cancelled');
    return true;
  }

  /** Aborts every running stream (shutdown); each relay then ends and removes its entry. */
  abortAll(kind: StreamAbortKind = 'shutdown'): void {
    for (const { stream } of this.entries.values()) abort(stream, kind);
  }

  /** Resolves once no stream is running (or after `timeoutMs`): for shutdown, after `abortAll`. */
  async drain(timeoutMs = 5000): Promise<void> {
    if (this.entries.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs).unref();
      const off = this.onEnd(() => {
        if (this.entries.size === 0) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** Removes the stream and its sinks; called by the relay when the stream is over, whatever happened. */
  end(stream: ActiveStream): void {
    const entry = this.entries.get(stream.streamId);
    if (!entry || entry.stream !== stream) return;
    this.entries.delete(stream.streamId);
    entry.sinks.clear();
    for (const hook of this.endHooks) hook(stream);
  }

  /** For leak checks: running streams and the sinks attached to them. */
  stats(): { streams: number; sinks: number } {
    let sinks = 0;
    for (const entry of this.entries.values()) sinks += entry.sinks.size;
    return { streams: this.entries.size, sinks };
  }
}

/** Aborts a stream's rag request with a `StreamAbort` reason (first reason wins). */
export function abort(stream: ActiveStream, kind: StreamAbortKind): void {
  if (!stream.controller.signal.aborted) stream.controller.abort(new StreamAbort(kind));
}
