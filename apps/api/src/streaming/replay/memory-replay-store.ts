import {
  DEFAULT_MAX_REPLAY_EVENTS,
  type ReplayEvent,
  type ReplayRead,
  type ReplayStore,
  type ReplayStoreOptions,
} from './replay-store.js';

type StartEvent = Extract<ReplayEvent, { type: 'chat-stream-start' }>;
type TerminalEvent = Extract<ReplayEvent, { type: 'chat-stream-complete' | 'chat-stream-error' }>;

/**
 * One stream's events, compactly: the start, the token texts (seq `firstSeq + i` is `tokens[head + i]`;
 * seqs are contiguous), the terminal event. Once the stream has ended the texts are packed into one
 * string plus end offsets, so a finished answer costs about its own size while it waits to expire.
 */
interface Buffered {
  streamId: string;
  sessionId: string;
  start: StartEvent | null;
  tokens: string[];
  head: number;
  /** The seq of `tokens[head]`. */
  firstSeq: number;
  /** After the end: every kept token's text, concatenated, and where each one ends in it. */
  packed: { text: string; ends: Uint32Array } | null;
  terminal: TerminalEvent | null;
  /** The greatest seq dropped for lack of room (0 = the start); -1 while nothing was. */
  maxDroppedSeq: number;
  expiresAt: number;
}

const emptyBuffer = (streamId: string, sessionId: string): Buffered => ({
  streamId,
  sessionId,
  start: null,
  tokens: [],
  head: 0,
  firstSeq: 1,
  packed: null,
  terminal: null,
  maxDroppedSeq: -1,
  expiresAt: 0,
});

/** What every in-memory append returns: it is done at once, and a token must not cost a promise. */
const appended = Promise.resolve();

/**
 * The replay buffer in this process's memory (no REDIS_URL): one bounded buffer per (owner, stream).
 * A running stream is kept `maxStreamSeconds + ttlSeconds` after its last event (renewed within a
 * tenth of that), as long as it could still run; a finished one `ttlSeconds` after its end. Expiry is
 * lazy — every append and read first drops the streams whose time is up — so no timer is ever left
 * running.
 */
export function createMemoryReplayStore(
  options: ReplayStoreOptions & { maxStreamSeconds?: number; now?: () => number },
): ReplayStore & { readonly size: number } {
  const endedTtlMs = options.ttlSeconds * 1000;
  const liveTtlMs = ((options.maxStreamSeconds ?? 0) + options.ttlSeconds) * 1000;
  // The start and the terminal event come on top; the start goes with the first token dropped.
  const maxTokens = Math.max(1, (options.maxEvents ?? DEFAULT_MAX_REPLAY_EVENTS) - 1);
  const now = options.now ?? Date.now;
  // Running and finished streams apart, each map in last-touch order (a touched stream is moved to
  // the end) under one constant TTL, so the streams that expire first are always at its front.
  const liveStreams = new Map<string, Buffered>();
  const endedStreams = new Map<string, Buffered>();
  const keyOf = (streamId: string, userId: string) => `${userId}/${streamId}`;
  // A live stream's tokens come many times a second: its expiry (and its place in that order) is
  // renewed at most every tenth of the TTL, so most tokens only add their text to its buffer.
  const renewEveryMs = liveTtlMs / 10;

  const sweepMap = (streams: Map<string, Buffered>, at: number) => {
    for (const [key, buffered] of streams) {
      if (buffered.expiresAt > at) break;
      streams.delete(key);
    }
  };
  const sweep = (at: number) => {
    sweepMap(liveStreams, at);
    sweepMap(endedStreams, at);
  };

  const nextSeq = (b: Buffered) => b.firstSeq + b.tokens.length - b.head;

  const addToken = (b: Buffered, seq: number, token: string) => {
    if (seq < nextSeq(b)) return; // a repeat
    if (seq > nextSeq(b)) {
      // A gap (the relay never makes one): what came before cannot be replayed contiguously.
      b.maxDroppedSeq = seq - 1;
      b.tokens = [];
      b.head = 0;
      b.firstSeq = seq;
    }
    b.tokens.push(token);
    if (b.tokens.length - b.head > maxTokens) {
      if (b.start) {
        b.start = null;
        b.maxDroppedSeq = Math.max(b.maxDroppedSeq, 0);
      }
      b.maxDroppedSeq = Math.max(b.maxDroppedSeq, b.firstSeq);
      b.head++;
      b.firstSeq++;
      if (b.head >= maxTokens) {
        b.tokens = b.tokens.slice(b.head);
        b.head = 0;
      }
    }
  };

  const pack = (b: Buffered) => {
    const kept = b.head === 0 ? b.tokens : b.tokens.slice(b.head);
    const ends = new Uint32Array(kept.length);
    let end = 0;
    kept.forEach((token, i) => (ends[i] = end += token.length));
    b.packed = { text: kept.join(''), ends };
    b.tokens = [];
    b.head = 0;
  };

  const find = (key: string): Buffered | undefined => liveStreams.get(key) ?? endedStreams.get(key);

  /** Removes `key`'s buffer from whichever map holds it, to be put back at the end of one. */
  const take = (key: string): Buffered | undefined => {
    const buffered = find(key);
    liveStreams.delete(key);
    endedStreams.delete(key);
    return buffered;
  };

  const record = (buffered: Buffered, event: ReplayEvent) => {
    switch (event.type) {
      case 'chat-stream-start':
        if (!buffered.start && nextSeq(buffered) === 1 && buffered.maxDroppedSeq < 0) buffered.start = event;
        break;
      case 'chat-stream-token':
        addToken(buffered, event.seq, event.token);
        break;
      case 'chat-stream-complete':
      case 'chat-stream-error':
        buffered.terminal = event;
        pack(buffered);
        break;
    }
  };

  const appendSync = (streamId: string, userId: string, event: ReplayEvent) => {
    const at = now();
    const key = keyOf(streamId, userId);
    if (event.type === 'chat-stream-token') {
      const running = liveStreams.get(key);
      if (running && running.expiresAt - at > liveTtlMs - renewEveryMs) {
        addToken(running, event.seq, event.token);
        return;
      }
    }
    sweep(at);
    const buffered = take(key) ?? emptyBuffer(streamId, event.sessionId);
    if (!buffered.terminal) record(buffered, event);
    buffered.expiresAt = at + (buffered.terminal ? endedTtlMs : liveTtlMs);
    (buffered.terminal ? endedStreams : liveStreams).set(key, buffered);
  };

  const tokenEvent = (b: Buffered, seq: number, token: string): ReplayEvent => ({
    type: 'chat-stream-token',
    sessionId: b.sessionId,
    streamId: b.streamId,
    seq,
    token,
  });

  const tokenAt = (b: Buffered, seq: number): string => {
    if (!b.packed) return b.tokens[b.head + seq - b.firstSeq]!;
    const { text, ends } = b.packed;
    const i = seq - b.firstSeq;
    return text.slice(i === 0 ? 0 : (ends[i - 1] ?? 0), ends[i] ?? 0);
  };

  const readSync = (b: Buffered, afterSeq: number, limit: number): ReplayRead => {
    const events: ReplayEvent[] = [];
    if (b.start && afterSeq === 0) events.push(b.start);
    const end = b.packed ? b.firstSeq + b.packed.ends.length : nextSeq(b);
    let seq = Math.max(b.firstSeq, afterSeq + 1);
    for (; seq < end && events.length < limit; seq++) events.push(tokenEvent(b, seq, tokenAt(b, seq)));
    const ended = b.terminal !== null && seq >= end && events.length < limit;
    if (ended) events.push(b.terminal!);
    return {
      sessionId: b.sessionId,
      events,
      ended,
      truncated: b.maxDroppedSeq > afterSeq || (afterSeq === 0 && b.maxDroppedSeq >= 0),
      ownerAlive: true,
    };
  };

  return {
    get size() {
      sweep(now());
      return liveStreams.size + endedStreams.size;
    },
    append(streamId, userId, event) {
      appendSync(streamId, userId, event);
      return appended;
    },
    read(streamId, userId, afterSeq, limit = Number.POSITIVE_INFINITY) {
      sweep(now());
      const buffered = find(keyOf(streamId, userId));
      return Promise.resolve(buffered ? readSync(buffered, afterSeq, Math.max(1, limit)) : null);
    },
    keepAlive() {
      return Promise.resolve();
    },
    close() {
      liveStreams.clear();
      endedStreams.clear();
    },
  };
}
