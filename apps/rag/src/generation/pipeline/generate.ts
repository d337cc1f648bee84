import type { RagStreamEvent, TokenUsage } from '@classchat/contracts';
import { countTokens } from '../../prompts/tokens.js';
import type { AnswerModel, ModelEvent, ModelRequest } from '../model.js';

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
   * Once a `token` event was sent, the next one waits until this long after it (STREAM_COALESCE_MS;
   * 0: as soon as `chunkSize` tokens are in). The first goes at once; what the model writes in
   * between travels as one event.
   */
  windowMs?: number;
  /** Aborting it stops the model; the generation then throws the signal's reason. */
  signal: AbortSignal;
  /** Called once, just before the first `token` event. */
  onFirstToken?: () => void;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

/** The window of the pending text has passed: send it. */
const DUE = Symbol('due');

/**
 * The model's text as `token` events of at least `chunkSize` model tokens (the last one may be
 * shorter), at most one per `windowMs`, tallied into `written`. Every event costs a write and a read
 * at each hop down to the student's socket; a window of a few tens of milliseconds saves about a tenth
 * of the CPU per token at 160–200 streams, at the price of holding text back that long. It is off by
 * default: the student sees each token as the model writes it.
 * A model ends its stream quietly when aborted: an abort is never a completion, so it throws the
 * signal's reason instead of returning.
 */
export async function* generate(
  model: AnswerModel,
  request: ModelRequest,
  options: GenerateOptions,
  written: Written = nothingWritten(),
): AsyncGenerator<TokenEvent, Written, undefined> {
  const windowMs = options.windowMs ?? 0;
  const now = options.now ?? (() => performance.now());
  let pending = '';
  let pendingCount = 0;
  let sentAt = Number.NEGATIVE_INFINITY;
  const flush = (): TokenEvent => {
    if (written.tokens === pendingCount) options.onFirstToken?.();
    const event: TokenEvent = { type: 'token', content: pending };
    pending = '';
    pendingCount = 0;
    sentAt = now();
    return event;
  };
  const events = model(request, options.signal)[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<ModelEvent>> | null = null;
  let finished = false;
  try {
    for (;;) {
      next ??= events.next();
      // Text held back for its window: whichever comes first, the model's next event or the window's end.
      const result =
        pendingCount >= options.chunkSize ? await soonerOf(next, sentAt + windowMs - now()) : await next;
      if (result === DUE) {
        yield flush();
        continue;
      }
      next = null;
      if (result.done) break;
      const event = result.value;
      if (event.type === 'usage') {
        written.usage = event.usage;
        continue;
      }
      written.content += event.text;
      written.tokens += 1;
      pending += event.text;
      pendingCount += 1;
      if (pendingCount >= options.chunkSize && now() - sentAt >= windowMs) yield flush();
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
  if (pending) yield flush();
  return written;
}

/** `next`'s result, or DUE when `waitMs` passes first. */
async function soonerOf<T>(next: Promise<T>, waitMs: number): Promise<T | typeof DUE> {
  if (waitMs <= 0) return DUE;
  let timer: NodeJS.Timeout | undefined;
  const due = new Promise<typeof DUE>((resolve) => (timer = setTimeout(resolve, waitMs, DUE)));
  try {
    return await Promise.race([next, due]);
  } finally {
    clearTimeout(timer);
  }
}

/** The usage of a finished answer: the model's, or counted when it reported none. */
export function finalUsage(written: Written, countPrompt: () => number): TokenUsage {
  if (written.usage) return written.usage;
  const promptTokens = countPrompt();
  const completionTokens = countTokens(written.content);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
