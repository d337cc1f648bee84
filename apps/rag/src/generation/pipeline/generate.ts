import type { RagStreamEvent, TokenUsage } from '@classchat/contracts';
import { countTokens } from '../../prompts/tokens.js';
import { eventsOf, isBatch, type AnswerModel, type ModelOutput, type ModelRequest } from '../model.js';

type TokenEvent = Extract<RagStreamEvent, { type: 'token' }>;

/** What the model has written so far; kept up to date while it writes, and after it fails. */
export interface Written {
  content: string;
  /** Model tokens (text events) read. */
  tokens: number;
  /** The usage the model reported, if it did. */
  usage: TokenUsage | null;
}

export const nothingWritten = (): Written => ({ content: '', tokens: 0, usage: null });

export interface GenerateOptions {
  /** Model tokens per `token` event, at least. */
  chunkSize: number;
  /**
   * How model tokens share a `token` event (STREAM_COALESCE_MS). A number: the text that is due
   * takes along the model tokens already read, and waits until that many ms after the previous event
   * (0, the default: no wait), taking along what the model writes meanwhile; `off`: every
   * `chunkSize` model tokens are sent as they are read.
   */
  coalesceMs?: number | 'off';
  /** Aborting it stops the model; the generation then throws the signal's reason. */
  signal: AbortSignal;
  /** Called once, just before the first `token` event. */
  onFirstToken?: () => void;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

/** The text held back is due: send it. */
const DUE = Symbol('due');

/**
 * The model's text as `token` events of at least `chunkSize` model tokens (the last one may be
 * shorter), tallied into `written`. Every event costs a write and a read at each hop down to the
 * student's socket, so text that is due takes along every model token already read with it, and
 * never waits for a timer: at one stream each token goes alone as soon as it is read; under load,
 * when the event loop lags and several tokens of a stream arrive in one read, they travel as one
 * event. A model that yields a batch (the events of one read of its stream) says that nothing more
 * is ready, so its text goes at once, without that check. `coalesceMs` above 0 also holds text until
 * that long after the previous event (the first goes at once), at the price of delaying it; `off`
 * sends every `chunkSize` tokens as they are read.
 * A model ends its stream quietly when aborted: an abort is never a completion, so it throws the
 * signal's reason instead of returning.
 */
export async function* generate(
  model: AnswerModel,
  request: ModelRequest,
  options: GenerateOptions,
  written: Written = nothingWritten(),
): AsyncGenerator<TokenEvent, Written, undefined> {
  const coalesceMs = options.coalesceMs ?? 0;
  const held = new HeldText(written, options);
  const events = model(request, options.signal)[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<ModelOutput>> | null = null;
  let finished = false;
  /** The last output was a batch: everything read so far is held, nothing more is ready. */
  let readAll = false;
  try {
    for (;;) {
      // Text that is due waits for whichever comes first: the model's next event or its due time.
      const dueInMs =
        coalesceMs !== 'off' && held.count >= options.chunkSize ? coalesceMs - held.sinceSent() : null;
      if (dueInMs !== null && dueInMs <= 0 && readAll) {
        yield held.take();
        continue;
      }
      next ??= events.next();
      let result: IteratorResult<ModelOutput> | typeof DUE;
      try {
        result = dueInMs === null ? await next : await soonerThan(next, dueInMs);
      } catch (err) {
        // The text the model wrote before it failed is the student's, like the tokens sent before.
        next = null;
        if (held.count > 0 && !options.signal.aborted) yield held.take();
        throw err;
      }
      if (result === DUE) {
        yield held.take();
        continue;
      }
      next = null;
      if (result.done) break;
      readAll = isBatch(result.value);
      for (const event of eventsOf(result.value)) {
        if (event.type === 'usage') written.usage = event.usage;
        else held.add(event.text);
        if (coalesceMs === 'off' && held.count >= options.chunkSize) yield held.take();
      }
    }
    finished = true;
  } finally {
    // Left early (the consumer stopped, or the model failed): stop the model, without waiting for
    // it; a read still in flight may yet fail, with nobody left to tell.
    if (!finished) {
      next?.catch(() => undefined);
      events.return?.().catch(() => undefined);
    }
  }
  if (options.signal.aborted) throw options.signal.reason;
  if (held.count > 0) yield held.take();
  return written;
}

/** Model text read (and tallied into `written`) but not sent yet. */
class HeldText {
  count = 0;
  private text = '';
  private sentAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    private readonly written: Written,
    private readonly options: Pick<GenerateOptions, 'onFirstToken' | 'now'>,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  add(text: string): void {
    this.written.content += text;
    this.written.tokens += 1;
    this.text += text;
    this.count += 1;
  }

  /** Milliseconds since the previous `token` event (Infinity before the first). */
  sinceSent(): number {
    return this.now() - this.sentAt;
  }

  /** The held text as one `token` event. */
  take(): TokenEvent {
    if (this.written.tokens === this.count) this.options.onFirstToken?.();
    const event: TokenEvent = { type: 'token', content: this.text };
    this.text = '';
    this.count = 0;
    this.sentAt = this.now();
    return event;
  }
}

/**
 * `next`'s result, or DUE if that comes first: as soon as the microtasks now queued have run (a tick
 * queued from a microtask runs once the microtask queue is empty), by when every model event already
 * read has been handed over, since that takes only microtasks; or in `waitMs` if that is later. Not
 * at setImmediate: text sent from the check phase reaches the HTTP/2 session's write one loop
 * iteration later, which under load added to the relay lag without merging more. Runs once per
 * token, so it allocates as little as it can: one promise for the due time, one for the race.
 */
function soonerThan<T>(next: Promise<T>, waitMs: number): Promise<T | typeof DUE> {
  if (waitMs <= 0) return Promise.race([next, new Promise<typeof DUE>(afterQueuedMicrotasks)]);
  let timer: NodeJS.Timeout | undefined;
  const due = new Promise<typeof DUE>((resolve) => (timer = setTimeout(resolve, waitMs, DUE)));
  return Promise.race([next, due]).finally(() => clearTimeout(timer));
}

function afterQueuedMicrotasks(resolve: (due: typeof DUE) => void): void {
  process.nextTick(resolve, DUE);
}

/** The usage of a finished answer: the model's, or counted when it reported none. */
export function finalUsage(written: Written, countPrompt: () => number): TokenUsage {
  if (written.usage) return written.usage;
  const promptTokens = countPrompt();
  const completionTokens = countTokens(written.content);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
