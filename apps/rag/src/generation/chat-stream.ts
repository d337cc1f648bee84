import type { IncomingMessage } from 'node:http';
import type { TokenUsage } from '@classchat/contracts';
import { chunkBatchesOf } from '@classchat/service';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import OpenAI, { APIError } from 'openai';
import type { ModelEvent, ModelOutput, ModelReceiver } from './model.js';
import { headersOf, requestsLike, send, statusError, upstreamAgents } from './upstream-http.js';

/** The body of a streamed chat completion request, as the SDK's `create` takes it. */
export type StreamingChatBody = OpenAI.ChatCompletionCreateParamsStreaming;

/**
 * Streams one chat completion: the SDK builds the request (URL, auth and default headers, body) and
 * its error classes describe every failure, exactly as `client.chat.completions.create` would throw
 * them; the response is read with `node:http` and `eventsource-parser`. The SDK's own streaming read
 * (fetch's web streams, then its SSE and line decoders) costs about three times as much CPU per token.
 *
 * Like the SDK's stream: an HTTP error status throws the matching `OpenAI.APIError` subclass, an
 * in-stream `{"error":…}` event throws `OpenAI.APIError` without a status, a response that does not
 * start within the client's timeout throws `APIConnectionTimeoutError`, and an abort before the
 * response throws `APIUserAbortError` while one during it just ends the iteration.
 */
export function createChatStreamer(client: OpenAI) {
  const agents = upstreamAgents();
  const requests = requestsLike((body) =>
    client.buildRequest({ method: 'post', path: '/chat/completions', body, stream: true }),
  );
  const open = async (body: StreamingChatBody, signal: AbortSignal): Promise<IncomingMessage> => {
    const built = requests.reuse(body) ?? (await requests.build(body));
    if (signal.aborted) throw new OpenAI.APIUserAbortError();
    const res = await send(built, agents, signal);
    if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) {
      throw await statusError(res);
    }
    return res;
  };

  return {
    /**
     * The events as an iteration. Not a generator of its own: the response's reader is the
     * iterator, so each read crosses one async-generator boundary instead of three.
     */
    iterate(body: StreamingChatBody, signal: AbortSignal): AsyncGenerator<ModelOutput, void, undefined> {
      return readEvents(() => open(body, signal), signal);
    },
    /** The events handed to `receive` from the response's own `data` callback (see `AnswerModel.push`). */
    async push(body: StreamingChatBody, signal: AbortSignal, receive: ModelReceiver): Promise<void> {
      return pushEvents(await open(body, signal), signal, receive);
    },
  };
}

/** An SSE body's events as model events, parsed as its text is fed in. */
interface ModelEventParser {
  feed(text: string): void;
  /** Events parsed and not taken yet. */
  readonly pending: ModelEvent[];
  /** An in-stream error event, once one came. */
  readonly failure: Error | null;
  /** `[DONE]` came: nothing after it counts. */
  readonly done: boolean;
}

function modelEventParser(res: IncomingMessage): ModelEventParser {
  const state = { pending: [] as ModelEvent[], failure: null as Error | null, done: false };
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      if (state.done || state.failure) return;
      if (message.data.startsWith('[DONE]')) {
        state.done = true;
        return;
      }
      const chunk = JSON.parse(message.data) as Partial<OpenAI.ChatCompletionChunk> & {
        error?: unknown;
        message?: string;
      };
      if (chunk.error || message.event === 'error') {
        state.failure = new APIError(
          undefined,
          chunk.error as object | undefined,
          message.event === 'error' ? chunk.message : undefined,
          headersOf(res),
        );
        return;
      }
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) state.pending.push({ type: 'text', text });
      if (chunk.usage) state.pending.push({ type: 'usage', usage: usageOf(chunk.usage) });
    },
  });
  return Object.assign(state, { feed: (text: string) => parser.feed(text) });
}

/**
 * The response `open` resolves with (when the iteration starts), its SSE events as model events,
 * yielded as one batch per read of the body: the events that arrived together (one socket read can
 * carry several) go on together, in one step of each layer above instead of one per token, and
 * tell `generate` that nothing more is ready. `[DONE]` ends it; so does the body's end.
 */
async function* readEvents(
  open: () => Promise<IncomingMessage>,
  signal: AbortSignal,
): AsyncGenerator<ModelOutput, void, undefined> {
  const res = await open();
  const events = modelEventParser(res);
  res.setEncoding('utf8');
  const onAbort = () => res.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    for await (const texts of chunkBatchesOf<string>(res)) {
      for (const text of texts) events.feed(text);
      if (events.pending.length > 0) yield events.pending.splice(0);
      if (events.failure) throw events.failure;
      if (events.done) return;
    }
  } catch (err) {
    // Aborted by the caller: the iteration just ends (the caller knows why it aborted).
    if (signal.aborted) return;
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    release(res, events.done);
  }
}

/**
 * After [DONE] the body's end is let through, so the keep-alive socket serves the next request;
 * stopped early otherwise (the consumer left, an error): the socket is closed.
 */
function release(res: IncomingMessage, done: boolean): void {
  if (res.complete) return;
  if (done) res.resume();
  else res.destroy();
}

/**
 * `readEvents` pushed: every `data` event of the body is fed to the parser at once, and the events of
 * one socket read (it emits a `data` event per HTTP chunk, all in one callback) go to `receive` as one
 * batch a microtask later. While the promise `receive` returns is pending the body is paused, so a
 * slow reader holds back the model's socket instead of a growing queue. Settles like the iteration
 * ends: at `[DONE]` or the body's end, quietly when `signal` aborts, with the stream's error or the
 * in-stream error event otherwise.
 */
function pushEvents(res: IncomingMessage, signal: AbortSignal, receive: ModelReceiver): Promise<void> {
  const events = modelEventParser(res);
  res.setEncoding('utf8');
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let scheduled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      res.off('data', onData);
      res.off('end', onEnd);
      res.off('error', onError);
      res.off('close', onClose);
      release(res, events.done);
      if (err && !signal.aborted) reject(err);
      else resolve();
    };
    const resumeRead = () => {
      if (!settled) res.resume();
    };
    const deliver = () => {
      scheduled = false;
      if (settled) return;
      try {
        if (events.pending.length > 0) {
          const wait = receive(events.pending.splice(0));
          if (wait) {
            res.pause();
            wait.then(resumeRead, (err: unknown) => finish(asError(err)));
          }
        }
      } catch (err) {
        finish(asError(err));
        return;
      }
      if (events.failure) finish(events.failure);
      else if (events.done) finish();
    };
    const onData = (text: string) => {
      events.feed(text);
      if (!scheduled) {
        scheduled = true;
        // Not `queueMicrotask`: it makes an async resource per call, and this runs once per read.
        void READ_DONE.then(deliver);
      }
    };
    // The end can come before the read's microtask: what that read brought is delivered first.
    const onEnd = () => {
      deliver();
      finish();
    };
    const onError = (err: Error) => finish(err);
    const onClose = () => finish(res.complete ? undefined : prematureClose());
    const onAbort = () => finish();
    res.on('data', onData);
    res.on('end', onEnd);
    res.on('error', onError);
    res.on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
  });
}

/** Settled already: a callback chained to it runs once the read's `data` events have all been emitted. */
const READ_DONE = Promise.resolve();

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

export function usageOf(u: OpenAI.CompletionUsage): TokenUsage {
  return {
    promptTokens: u.prompt_tokens,
    completionTokens: u.completion_tokens,
    totalTokens: u.total_tokens,
  };
}
