import {
  DEFAULT_MAX_REPLAY_EVENTS,
  isTerminal,
  selectAfter,
  seqOf,
  type ReplayEvent,
  type ReplayStore,
  type ReplayStoreOptions,
} from './replay-store.js';

interface Buffered {
  sessionId: string;
  /** Kept events are `events[head…]`; the prefix before `head` was dropped (compacted lazily). */
  events: ReplayEvent[];
  head: number;
  /** The greatest seq dropped for lack of room; -1 while nothing was. */
  maxDroppedSeq: number;
  ended: boolean;
  expiresAt: number;
}

/**
 * The replay buffer in this process's memory (no REDIS_URL): one bounded array per stream, expiring
 * `ttlSeconds` after the stream's last event. Expiry is lazy — every append and read first drops
 * the streams whose time is up — so no timer is ever left running.
 */
export function createMemoryReplayStore(
  options: ReplayStoreOptions & { now?: () => number },
): ReplayStore & { readonly size: number } {
  const ttlMs = options.ttlSeconds * 1000;
  const maxEvents = Math.max(1, options.maxEvents ?? DEFAULT_MAX_REPLAY_EVENTS);
  const now = options.now ?? Date.now;
  // Map order is last-touch order (a touched stream is moved to the end) and the TTL is constant,
  // so the streams that expire first are always at the front.
  const streams = new Map<string, Buffered>();
  const keyOf = (streamId: string, userId: string) => `${userId}/${streamId}`;

  const sweep = (at: number) => {
    for (const [key, buffered] of streams) {
      if (buffered.expiresAt > at) break;
      streams.delete(key);
    }
  };

  const appendSync = (streamId: string, userId: string, event: ReplayEvent) => {
    const at = now();
    sweep(at);
    const key = keyOf(streamId, userId);
    let buffered = streams.get(key);
    if (buffered) streams.delete(key);
    else {
      buffered = {
        sessionId: event.sessionId,
        events: [],
        head: 0,
        maxDroppedSeq: -1,
        ended: false,
        expiresAt: 0,
      };
    }
    if (!buffered.ended) {
      buffered.events.push(event);
      if (buffered.events.length - buffered.head > maxEvents) {
        buffered.maxDroppedSeq = Math.max(buffered.maxDroppedSeq, seqOf(buffered.events[buffered.head]!));
        buffered.head++;
        if (buffered.head >= maxEvents) {
          buffered.events = buffered.events.slice(buffered.head);
          buffered.head = 0;
        }
      }
      if (isTerminal(event)) buffered.ended = true;
    }
    buffered.expiresAt = at + ttlMs;
    streams.set(key, buffered);
  };

  return {
    get size() {
      sweep(now());
      return streams.size;
    },
    append(streamId, userId, event) {
      appendSync(streamId, userId, event);
      return Promise.resolve();
    },
    read(streamId, userId, afterSeq) {
      sweep(now());
      const buffered = streams.get(keyOf(streamId, userId));
      if (!buffered) return Promise.resolve(null);
      const kept = buffered.head === 0 ? buffered.events : buffered.events.slice(buffered.head);
      const events = selectAfter(kept, afterSeq);
      return Promise.resolve({
        sessionId: buffered.sessionId,
        events,
        ended: buffered.ended,
        truncated: buffered.maxDroppedSeq > afterSeq || (afterSeq === 0 && buffered.maxDroppedSeq >= 0),
      });
    },
    close() {
      streams.clear();
    },
  };
}
