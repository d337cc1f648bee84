import type { Readable } from 'node:stream';

/** Chunks waiting for the consumer at which the stream is paused (and resumed once half are taken). */
const DEFAULT_HIGH_WATER_CHUNKS = 16;

/**
 * A readable's chunks as an async iterator, read in flowing mode: each `data` event hands its chunk
 * straight to a waiting `next()`. `Readable`'s own iterator is an async generator over `readable`
 * events and `read()`, which costs a tick, a buffer round trip and a generator step per chunk: on a
 * relayed answer that is per token.
 *
 * Like `stream.iterator({ destroyOnReturn: false })`: chunks in order; done at `end`; rejects with
 * the stream's error, or `ERR_STREAM_PREMATURE_CLOSE` when it closes before its end; leaving early
 * (`return()`) only stops listening — the caller decides whether to destroy or drain the stream.
 * Backpressure: the stream is paused while `highWater` chunks wait.
 */
export function chunksOf<T = Buffer | string>(
  stream: Readable,
  highWater = DEFAULT_HIGH_WATER_CHUNKS,
): AsyncIterableIterator<T> {
  return flowingReader<T, T>(stream, highWater, {
    take: (queue) => queue.shift()!,
    waitForRead: false,
  });
}

/**
 * A readable's chunks in batches: each `next()` takes every chunk that came since the previous one,
 * and a waiting `next()` is answered once the read that brought a chunk has been handed over whole
 * (a socket read that carries several HTTP chunks emits a `data` event for each, in one go). One
 * step of the consumer per read instead of per chunk, and what arrived together stays together.
 * Otherwise exactly `chunksOf`: order, end, errors, premature close, leaving early, backpressure
 * (`highWater` chunks waiting).
 */
export function chunkBatchesOf<T = Buffer | string>(
  stream: Readable,
  highWater = DEFAULT_HIGH_WATER_CHUNKS,
): AsyncIterableIterator<T[]> {
  return flowingReader<T, T[]>(stream, highWater, {
    take: (queue) => queue.splice(0),
    waitForRead: true,
  });
}

interface ReaderMode<T, V> {
  /** What one `next()` takes from the (non-empty) queue. */
  take: (queue: T[]) => V;
  /** Answer a waiting `next()` after the microtasks now queued (the rest of the read's `data` events). */
  waitForRead: boolean;
}

function flowingReader<T, V>(
  stream: Readable,
  highWater: number,
  mode: ReaderMode<T, V>,
): AsyncIterableIterator<V> {
  const queue: T[] = [];
  let ended = false;
  let failure: Error | null = null;
  let waiting: { resolve: (r: IteratorResult<V>) => void; reject: (err: Error) => void } | null = null;
  let settling = false;
  let listening = true;

  const take = (): V => {
    const value = mode.take(queue);
    if (queue.length <= highWater / 2 && stream.isPaused() && listening) stream.resume();
    return value;
  };
  const settle = () => {
    settling = false;
    const waiter = waiting;
    if (!waiter) return;
    if (queue.length > 0) {
      waiting = null;
      waiter.resolve({ value: take(), done: false });
    } else if (failure || ended) {
      waiting = null;
      detach();
      if (failure) waiter.reject(failure);
      else waiter.resolve({ value: undefined, done: true });
    }
  };
  const onData = (chunk: T) => {
    queue.push(chunk);
    if (queue.length >= highWater) stream.pause();
    if (!mode.waitForRead) settle();
    else if (waiting && !settling) {
      settling = true;
      queueMicrotask(settle);
    }
  };
  // The end or an error settles at once: a batch still waiting for its microtask is taken first.
  const onEnd = () => {
    ended = true;
    if (!settling) settle();
  };
  const onError = (err: Error) => {
    failure ??= err;
    if (!settling) settle();
  };
  const onClose = () => {
    if (!ended) failure ??= prematureClose();
    if (!settling) settle();
  };
  function detach() {
    if (!listening) return;
    listening = false;
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onClose);
  }
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('error', onError);
  stream.on('close', onClose);
  if (stream.readableEnded) ended = true;
  else if (stream.destroyed) failure = stream.errored ?? prematureClose();

  return {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: take(), done: false });
      if (failure || ended) {
        detach();
        return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return() {
      detach();
      queue.length = 0;
      const waiter = waiting;
      waiting = null;
      waiter?.resolve({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
