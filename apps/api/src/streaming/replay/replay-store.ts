import type { ChatSseEvent } from '@classchat/contracts';

/**
 * One chat event of a stream as the client receives it: the Socket.IO event name as `type` and its
 * payload's fields (the same shape as the SSE form of `POST chat/new`).
 */
export type ReplayEvent = ChatSseEvent;

export interface ReplayRead {
  sessionId: string;
  /**
   * What a client that has shown every token up to `afterSeq` still needs, in publish order:
   * `chat-stream-start` when `afterSeq` is 0 (the start counts as seq 0), every token with a
   * greater seq, and the terminal `chat-stream-complete` / `chat-stream-error` once there is one.
   */
  events: ReplayEvent[];
  /** `events` ends with the terminal event: nothing more will come. */
  ended: boolean;
  /** Some events the reader needed were dropped because the stream outgrew the buffer. */
  truncated: boolean;
  /**
   * The process running the stream still holds its lease (always true once ended, and in memory,
   * where the buffer dies with its owner). False: the stream will never end by itself.
   */
  ownerAlive: boolean;
}

/** A stream this process runs, whose lease it renews. */
export interface OwnedStream {
  streamId: string;
  userId: string;
}

/**
 * The bounded, expiring buffer of every chat event of recent streams, from which a client that lost
 * events (reconnect without Socket.IO recovery, reloaded tab) is brought up to date. Appends must be
 * issued in publish order and before the event is emitted live, so that anything a reader does not
 * find in the buffer reaches its socket live.
 */
export interface ReplayStore {
  /**
   * Records `event` of `streamId`, owned by `userId`, after every event appended before it; a `read`
   * issued after it sees it. Synchronous in memory; with Redis the appends of one turn of the event
   * loop go out as one batch, and the returned promise (the same for every append of a batch)
   * settles when Redis answered it, rejecting when any command of the batch failed.
   */
  append(streamId: string, userId: string, event: ReplayEvent): Promise<void>;
  /**
   * The events of `userId`'s stream `streamId` after `afterSeq`, at most `limit` of them (in publish
   * order: a read of fewer than `limit` events that is not `ended` has caught up); null when that
   * user has no such stream (unknown, expired, or another user's: buffers are keyed by owner, so
   * another user's stream can never be read, and a stream id reused by another user never mixes
   * with it).
   */
  read(streamId: string, userId: string, afterSeq: number, limit?: number): Promise<ReplayRead | null>;
  /**
   * Takes or renews this process's lease on running streams: from their beginning, then every
   * third of the lease or so (a no-op in memory).
   */
  keepAlive(streams: readonly OwnedStream[]): Promise<void>;
  /** Forgets every buffered stream this store owns (memory) — Redis keys expire on their own. */
  close(): void;
}

export interface ReplayStoreOptions {
  /** How long a stream's buffer is kept after its end (STREAM_REPLAY_TTL_S). */
  ttlSeconds: number;
  /** The most events kept per stream; the oldest are dropped beyond it. */
  maxEvents?: number;
}

/** How long a running stream's owner lease lasts unless renewed (STREAM_OWNER_LEASE_MS). */
export const DEFAULT_OWNER_LEASE_MS = 15_000;

/**
 * Default cap on events per stream: STREAM_MAX_DURATION_S (120 s) at the fastest models' ~110
 * tokens/s is ~13k tokens, so a whole answer fits.
 */
export const DEFAULT_MAX_REPLAY_EVENTS = 20_000;
