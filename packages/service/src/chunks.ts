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
  return new FlowingReader(stream, highWater, mode);
}

interface Waiter<V> {
  resolve: (r: IteratorResult<V>) => void;
  reject: (err: Error) => void;
}

/**
 * The stream's events fill a queue (pausing the stream at `highWater`); a `next()` takes from it, or
 * waits until an event settles it.
 */
class FlowingReader<T, V> implements AsyncIterableIterator<V> {
  private readonly queue: T[] = [];
  private ended = false;
  private failure: Error | null = null;
  private waiting: Waiter<V> | null = null;
  private settling = false;
  private listening = true;

  constructor(
    private readonly stream: Readable,
    private readonly highWater: number,
    private readonly mode: ReaderMode<T, V>,
  ) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('error', this.onError);
    stream.on('close', this.onClose);
    if (stream.readableEnded) this.ended = true;
    else if (stream.destroyed) this.failure = stream.errored ?? prematureClose();
  }

  next(): Promise<IteratorResult<V>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.take(), done: false });
    if (this.failure || this.ended) {
      this.detach();
      return this.failure ? Promise.reject(this.failure) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<V>> {
    this.detach();
    this.queue.length = 0;
    const waiter = this.waiting;
    this.waiting = null;
    waiter?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private take(): V {
    const value = this.mode.take(this.queue);
    if (this.queue.length <= this.highWater / 2 && this.stream.isPaused() && this.listening) {
      this.stream.resume();
    }
    return value;
  }

  /** Answers a waiting `next()` with what is queued, or with the end or the error once all is taken. */
  private readonly settle = (): void => {
    this.settling = false;
    const waiter = this.waiting;
    if (!waiter) return;
    if (this.queue.length > 0) {
      this.waiting = null;
      waiter.resolve({ value: this.take(), done: false });
    } else if (this.failure || this.ended) {
      this.waiting = null;
      this.detach();
      if (this.failure) waiter.reject(this.failure);
      else waiter.resolve({ value: undefined, done: true });
    }
  };

  private readonly onData = (chunk: T): void => {
    this.queue.push(chunk);
    if (this.queue.length >= this.highWater) this.stream.pause();
    if (!this.mode.waitForRead) this.settle();
    else if (this.waiting && !this.settling) {
      this.settling = true;
      queueMicrotask(this.settle);
    }
  };

  // The end or an error settles at once: a batch still waiting for its microtask is taken first.
  private readonly onEnd = (): void => {
    this.ended = true;
    if (!this.settling) this.settle();
  };

  private readonly onError = (err: Error): void => {
    this.failure ??= err;
    if (!this.settling) this.settle();
  };

  private readonly onClose = (): void => {
    if (!this.ended) this.failure ??= prematureClose();
    if (!this.settling) this.settle();
  };

  private detach(): void {
    if (!this.listening) return;
    this.listening = false;
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('error', this.onError);
    this.stream.off('close', this.onClose);
  }
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
