import type { TokenUsage } from '@classchat/contracts';
import OpenAI from 'openai';
import type { RagConfig } from '../config.js';
import type { PromptMessage } from '../prompts/tokens.js';
import { createChatStreamer, usageOf } from './chat-stream.js';

/** What a model (or the offline stand-in) produces: text as it is written, then usage. */
export type ModelEvent = { type: 'text'; text: string } | { type: 'usage'; usage: TokenUsage };

/**
 * What a model yields: one event, or a batch of the events read together from its stream (nothing
 * more is ready after a batch until the next read, so its text need not wait to take more along).
 */
export type ModelOutput = ModelEvent | readonly ModelEvent[];

/** The events of one output, in order. */
export const eventsOf = (output: ModelOutput): readonly ModelEvent[] => (isBatch(output) ? output : [output]);

export const isBatch = (output: ModelOutput): output is readonly ModelEvent[] => Array.isArray(output);

export interface ModelRequest {
  messages: PromptMessage[];
  temperature: number;
  maxOutputTokens: number;
}

/**
 * Takes the events of one read of the model's stream. Returns a promise when it wants no more for
 * now (the answer's reader is slower than the model): the model reads on once it resolves.
 */
export type ModelReceiver = (events: readonly ModelEvent[]) => Promise<void> | undefined;

/**
 * Produces an answer as model events; aborting `signal` stops the work (the iteration just ends).
 * A model read from a network stream may also `push` its events: each read handed to `receive` from
 * the stream's own callback, with no promise or generator step per token. It resolves once the model
 * is done (also, quietly, when `signal` aborts during the answer) and rejects as the iteration would throw.
 */
export interface AnswerModel {
  (request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelOutput>;
  readonly push?: (request: ModelRequest, signal: AbortSignal, receive: ModelReceiver) => Promise<void>;
}

/**
 * The chat client for answers: no SDK retries (a retry after tokens were sent would duplicate
 * text; the caller's Retry regenerates instead) and `OPENAI_TIMEOUT_MS` until the response starts.
 */
export function createChatClient(config: RagConfig): OpenAI {
  return new OpenAI({
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    maxRetries: 0,
    timeout: config.OPENAI_TIMEOUT_MS,
  });
}

/**
 * The model through the official SDK. Streaming: `stream: true` with `stream_options.include_usage`,
 * each delta yielded as it arrives (the SDK builds the request and its errors; `createChatStreamer`
 * reads the response); leaving the iteration early aborts the HTTP request. With `streaming: false`,
 * one blocking completion whose text is yielded once.
 */
export function openAIModel(
  client: OpenAI,
  options: { model: string; streaming: boolean; useMaxCompletionTokens?: boolean },
): AnswerModel {
  const limitParam = (n: number) =>
    options.useMaxCompletionTokens ? { max_completion_tokens: n } : { max_tokens: n };
  const streamChat = createChatStreamer(client);

  const bodyOf = (request: ModelRequest) => ({
    model: options.model,
    messages: request.messages,
    temperature: request.temperature,
    ...limitParam(request.maxOutputTokens),
  });
  const streamingBody = (request: ModelRequest) =>
    ({ ...bodyOf(request), stream: true, stream_options: { include_usage: true } }) as const;

  // A plain function, not a generator delegating to the stream: one async layer less per token.
  const model = (request: ModelRequest, signal: AbortSignal) =>
    options.streaming
      ? streamChat.iterate(streamingBody(request), signal)
      : blocking(client, bodyOf(request), signal);
  if (!options.streaming) return model;
  return Object.assign(model, {
    push: (request: ModelRequest, signal: AbortSignal, receive: ModelReceiver) =>
      streamChat.push(streamingBody(request), signal, receive),
  });
}

/** One blocking completion, its text yielded once, then its usage. */
async function* blocking(
  client: OpenAI,
  body: Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, 'stream'>,
  signal: AbortSignal,
): AsyncGenerator<ModelEvent, void, undefined> {
  const completion = await client.chat.completions.create({ ...body, stream: false }, { signal });
  const text = completion.choices[0]?.message.content ?? '';
  if (text) yield { type: 'text', text };
  if (completion.usage) yield { type: 'usage', usage: usageOf(completion.usage) };
}
