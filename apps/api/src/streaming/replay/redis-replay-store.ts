import type { ChainableCommander, Redis } from 'ioredis';
import { ChatSseEvent } from '@classchat/contracts';
import {
  DEFAULT_MAX_REPLAY_EVENTS,
  DEFAULT_OWNER_LEASE_MS,
  type ReplayEvent,
  type ReplayRead,
  type ReplayStore,
  type ReplayStoreOptions,
} from './replay-store.js';

export interface RedisReplayStoreOptions extends ReplayStoreOptions {
  /** Prepended to every key (tests use a unique one). Default `''`. */
  keyPrefix?: string;
  /**
   * The longest a stream can run (STREAM_MAX_DURATION_S): while live, the buffer is kept
   * `maxStreamSeconds + ttlSeconds` from its start or latest refresh, then `ttlSeconds` after its end.
   */
  maxStreamSeconds?: number;
  /** Refresh the live expiry every this many tokens (default 64). */
  refreshEveryTokens?: number;
  /** The owner's lease on a running stream (STREAM_OWNER_LEASE_MS), renewed by `keepAlive`. */
  ownerLeaseMs?: number;
}

/** `{prefix}chat:replay:{<streamId>}:<userId>`: a stream's buffer; `…:meta` and `…:owner` beside it. */
export function replayKey(streamId: string, userId: string, prefix = ''): string {
  return `${prefix}chat:replay:{${streamId}}:${userId}`;
}

/** Whether the process running `userId`'s stream `streamId` still holds its lease. */
export async function streamOwnerAlive(
  redis: Redis,
  streamId: string,
  userId: string,
  prefix = '',
): Promise<boolean> {
  return (await redis.exists(`${replayKey(streamId, userId, prefix)}:owner`)) === 1;
}

/**
 * The replay buffer as one Redis Stream per (owner, stream), shared by every api process:
 *
 * - key `{prefix}chat:replay:{<streamId>}:<userId>`, capped with `XADD … MAXLEN ~ maxEvents`;
 * - entry ids carry the order: the start is `0-1`, token `seq` is `<seq>-0`, the terminal event gets
 *   an automatic (millisecond-time) id, larger than any seq. `XRANGE key (<afterSeq>-0 +` is then
 *   exactly what a client that has shown `afterSeq` tokens still needs, and Redis refuses anything
 *   appended out of order or after the end;
 * - a token entry holds only its text (`t`); start and terminal entries hold the event's JSON (`e`);
 * - `…:meta` (a hash) keeps the session id for rebuilding token events;
 * - `…:owner` is the running stream's lease, taken and renewed by its process's `keepAlive` and
 *   deleted at the end: a stream without an end whose lease lapsed lost its process.
 *
 * Expiry: `maxStreamSeconds + ttlSeconds` while live (set at the start and refreshed every
 * `refreshEveryTokens` tokens), `ttlSeconds` (STREAM_REPLAY_TTL_S) once the terminal event is in.
 */
export function createRedisReplayStore(redis: Redis, options: RedisReplayStoreOptions): ReplayStore {
  const prefix = options.keyPrefix ?? '';
  const maxEvents = Math.max(1, options.maxEvents ?? DEFAULT_MAX_REPLAY_EVENTS);
  const endedTtlMs = options.ttlSeconds * 1000;
  const liveTtlMs = ((options.maxStreamSeconds ?? 120) + options.ttlSeconds) * 1000;
  const refreshEvery = Math.max(1, options.refreshEveryTokens ?? 64);
  const leaseMs = options.ownerLeaseMs ?? DEFAULT_OWNER_LEASE_MS;
  const keyOf = (streamId: string, userId: string) => replayKey(streamId, userId, prefix);

  const cap = ['MAXLEN', '~', String(maxEvents)] as const;

  // Appends are batched: every event appended before the loop next turns (typically the tokens of
  // every running stream that arrived in one read of the sockets) goes out as one pipeline, instead
  // of a pipeline and a round trip per token. Anything else this store sends first flushes the batch,
  // and one connection answers in order, so a read sees every event appended before it.
  let batch: Batch | null = null;
  const flush = () => {
    if (!batch) return;
    const { pipeline, settle } = batch;
    batch = null;
    pipeline.exec().then((results) => {
      const failed = (results ?? []).find(([err]) => err);
      if (failed?.[0]) settle.reject(failed[0]);
      else settle.resolve();
    }, settle.reject);
  };
  const open = (): Batch => {
    let settle!: Batch['settle'];
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    setImmediate(flush);
    return (batch = { pipeline: redis.pipeline(), done, settle });
  };

  /** Adds `event`'s commands to the open batch (opening one if needed) and returns that batch. */
  const queue = (key: string, event: ReplayEvent): Batch => {
    const meta = `${key}:meta`;
    const current = batch ?? open();
    const { pipeline } = current;
    let ttlMs: number | null = null;
    switch (event.type) {
      case 'chat-stream-start':
        pipeline.xadd(key, ...cap, '0-1', 'e', JSON.stringify(event));
        pipeline.hset(meta, 's', event.sessionId);
        ttlMs = liveTtlMs;
        break;
      case 'chat-stream-token':
        pipeline.xadd(key, ...cap, `${event.seq}-0`, 't', event.token);
        if (event.seq % refreshEvery === 1) {
          pipeline.hset(meta, 's', event.sessionId);
          ttlMs = liveTtlMs;
        }
        break;
      case 'chat-stream-complete':
      case 'chat-stream-error':
        pipeline.xadd(key, ...cap, '*', 'e', JSON.stringify(event));
        pipeline.hset(meta, 's', event.sessionId);
        pipeline.del(`${key}:owner`);
        ttlMs = endedTtlMs;
        break;
    }
    if (ttlMs !== null) {
      pipeline.pexpire(key, ttlMs);
      pipeline.pexpire(meta, ttlMs);
    }
    return current;
  };
  return {
    append(streamId, userId, event) {
      // One promise per batch, shared by its appends: it rejects when any command of the batch failed.
      return queue(keyOf(streamId, userId), event).done;
    },

    async read(streamId, userId, afterSeq, limit) {
      flush();
      const key = keyOf(streamId, userId);
      const from = `(${Math.max(0, Math.floor(afterSeq))}-0`;
      const pipeline = redis.pipeline().hget(`${key}:meta`, 's').exists(`${key}:owner`);
      if (limit === undefined) pipeline.xrange(key, from, '+');
      else pipeline.xrange(key, from, '+', 'COUNT', Math.max(1, limit));
      const [[metaErr, sessionId], [leaseErr, lease], [rangeErr, entries]] = ((await pipeline.exec()) ??
        []) as [
        [Error | null, string | null],
        [Error | null, number],
        [Error | null, Array<[string, string[]]> | null],
      ];
      const failed = metaErr ?? leaseErr ?? rangeErr;
      if (failed) throw failed;
      if (!sessionId) return null;
      const read = decodeEntries(entries ?? [], { sessionId, streamId, afterSeq });
      return { ...read, ownerAlive: read.ended || lease === 1 };
    },

    async keepAlive(streams) {
      if (streams.length === 0) return;
      // After the pending appends: a lease taken after a stream's end (which drops it) would outlive it.
      flush();
      const pipeline = redis.pipeline();
      for (const { streamId, userId } of streams) {
        pipeline.set(`${keyOf(streamId, userId)}:owner`, '1', 'PX', leaseMs);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
    },

    close() {
      // Keys expire on their own; the Redis client belongs to the caller.
    },
  };
}

interface Batch {
  pipeline: ChainableCommander;
  done: Promise<void>;
  settle: { resolve: () => void; reject: (err: Error) => void };
}

/** Redis Stream entries (see {@link createRedisReplayStore}) → the events they hold. */
function decodeEntries(
  entries: ReadonlyArray<[string, string[]]>,
  at: { sessionId: string; streamId: string; afterSeq: number },
): Omit<ReplayRead, 'ownerAlive'> {
  const { sessionId, streamId, afterSeq } = at;
  const events: ReplayEvent[] = [];
  let ended = false;
  let truncated = false;
  let sawToken = false;
  for (const [id, fields] of entries) {
    const [msPart, seqPart] = id.split('-');
    const field = fields[0];
    const value = fields[1] ?? '';
    if (field === 't') {
      const seq = Number(msPart);
      if (!sawToken && seq > afterSeq + 1) truncated = true;
      sawToken = true;
      events.push({ type: 'chat-stream-token', sessionId, streamId, seq, token: value });
      continue;
    }
    const parsed = ChatSseEvent.safeParse(JSON.parse(value));
    if (!parsed.success) continue;
    if (msPart === '0' && seqPart === '1') events.push(parsed.data);
    else if (!ended) {
      events.push(parsed.data);
      ended = true;
    }
  }
  if (afterSeq === 0 && events.length > 0 && events[0]?.type !== 'chat-stream-start') truncated = true;
  return { sessionId, events, ended, truncated };
}
