import type { IncomingMessage } from 'node:http';
import type { TokenUsage } from '@classchat/contracts';
import { chunkBatchesOf } from '@classchat/service';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import OpenAI, { APIError } from 'openai';
import type { ModelEvent, ModelOutput } from './model.js';
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

  /**
   * Not a generator of its own: the response's reader is the iterator, so each event crosses one
   * async-generator boundary instead of three on its way to the answer (they cost per token).
   */
  return function streamChat(
    body: StreamingChatBody,
    signal: AbortSignal,
  ): AsyncGenerator<ModelOutput, void, undefined> {
    return readEvents(async () => {
      const built = requests.reuse(body) ?? (await requests.build(body));
      if (signal.aborted) throw new OpenAI.APIUserAbortError();
      const res = await send(built, agents, signal);
      if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) {
        throw await statusError(res);
      }
      return res;
    }, signal);
  };
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
  const pending: ModelEvent[] = [];
  // Set by the parser's callback, read after each feed.
  const state: { failure: Error | null; done: boolean } = { failure: null, done: false };
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
      if (text) pending.push({ type: 'text', text });
      if (chunk.usage) pending.push({ type: 'usage', usage: usageOf(chunk.usage) });
    },
  });
  res.setEncoding('utf8');
  const onAbort = () => res.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    for await (const texts of chunkBatchesOf<string>(res)) {
      for (const text of texts) parser.feed(text);
      if (pending.length > 0) yield pending.splice(0);
      if (state.failure) throw state.failure;
      if (state.done) return;
    }
  } catch (err) {
    // Aborted by the caller: the iteration just ends (the caller knows why it aborted).
    if (signal.aborted) return;
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    // After [DONE] the body's end is let through, so the keep-alive socket serves the next request;
    // stopped early otherwise (the consumer left, an error): the socket is closed.
    if (!res.complete) {
      if (state.done) res.resume();
      else res.destroy();
    }
  }
}

export function usageOf(u: OpenAI.CompletionUsage): TokenUsage {
  return {
    promptTokens: u.prompt_tokens,
    completionTokens: u.completion_tokens,
    totalTokens: u.total_tokens,
  };
}
