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
  const queue: T[] = [];
  let ended = false;
  let failure: Error | null = null;
  let waiting: { resolve: (r: IteratorResult<T>) => void; reject: (err: Error) => void } | null = null;
  let listening = true;

  const settle = () => {
    const waiter = waiting;
    if (!waiter) return;
    if (queue.length > 0) {
      waiting = null;
      waiter.resolve({ value: queue.shift()!, done: false });
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
    settle();
  };
  const onEnd = () => {
    ended = true;
    settle();
  };
  const onError = (err: Error) => {
    failure ??= err;
    settle();
  };
  const onClose = () => {
    if (!ended) failure ??= prematureClose();
    settle();
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
      if (queue.length > 0) {
        const value = queue.shift()!;
        if (queue.length <= highWater / 2 && stream.isPaused() && listening) stream.resume();
        return Promise.resolve({ value, done: false });
      }
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
