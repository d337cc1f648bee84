import type { Redis } from 'ioredis';
import type { ActiveStreamRef } from '@classchat/contracts';
import type { ActiveStream, StreamRegistry } from './registry.js';

/** Finds the answer being written in a user's chat session, so a reloaded page can follow it. */
export interface ActiveStreamLookup {
  find(userId: string, sessionId: string): Promise<ActiveStreamRef | null>;
}

export interface ActiveStreamIndexOptions {
  /**
   * With several api processes (Redis), a stream runs in one of them: each process notes its streams
   * in a Redis hash per (user, session) so that any process can name them. Without Redis only this
   * process's registry is consulted.
   */
  redis?: Redis;
  /** How long a noted stream can outlive its process (a crash): STREAM_MAX_DURATION_S plus a margin. */
  ttlMs: number;
  /** Prepended to every key (tests use a unique one). Default `''`. */
  keyPrefix?: string;
  /**
   * Whether the process running a noted stream still holds its lease: a stream whose process died
   * is not named (and its note is dropped). Default: every noted stream counts as running.
   */
  ownerAlive?: (streamId: string, userId: string) => Promise<boolean>;
  onError?: (err: unknown, stream: ActiveStream | null) => void;
}

/**
 * The running stream of a session: this process's registry first (with the seq reached so far),
 * then — with Redis — the streams other processes noted (seq unknown there: 0). Register once per
 * api instance: it hooks the registry's begin and end.
 */
export function createActiveStreamIndex(
  streams: Pick<StreamRegistry, 'forUser' | 'onBegin' | 'onEnd'>,
  options: ActiveStreamIndexOptions,
): ActiveStreamLookup {
  const { redis, ttlMs } = options;
  const prefix = options.keyPrefix ?? '';
  const keyOf = (userId: string, sessionId: string) => `${prefix}chat:active:{${userId}}:${sessionId}`;
  const report = (err: unknown, stream: ActiveStream | null) => options.onError?.(err, stream);

  if (redis) {
    // Field streamId → when it began. Noted before its first event, removed once it left the registry.
    streams.onBegin((stream) => {
      const key = keyOf(stream.userId, stream.sessionId);
      redis
        .multi()
        .hset(key, stream.streamId, String(Date.now()))
        .pexpire(key, ttlMs)
        .exec()
        .catch((err: unknown) => report(err, stream));
    });
    streams.onEnd((stream) => {
      redis
        .hdel(keyOf(stream.userId, stream.sessionId), stream.streamId)
        .catch((err: unknown) => report(err, stream));
    });
  }

  return {
    async find(userId, sessionId) {
      const here = streams
        .forUser(userId)
        .filter((s) => s.sessionId === sessionId && !s.ended)
        .sort((a, b) => b.receivedAt - a.receivedAt)[0];
      if (here) return { streamId: here.streamId, seq: here.seq };
      if (!redis) return null;
      try {
        const key = keyOf(userId, sessionId);
        const noted = await redis.hgetall(key);
        const oldest = Date.now() - ttlMs;
        const candidates = Object.entries(noted)
          .map(([streamId, began]) => ({ streamId, began: Number(began) }))
          .filter((s) => s.began >= oldest)
          .sort((a, b) => b.began - a.began);
        for (const { streamId } of candidates) {
          if (!options.ownerAlive || (await options.ownerAlive(streamId, userId)))
            return { streamId, seq: 0 };
          await redis.hdel(key, streamId);
        }
        return null;
      } catch (err) {
        // Redis unavailable: the session still loads, only without the running answer.
        report(err, null);
        return null;
      }
    },
  };
}
