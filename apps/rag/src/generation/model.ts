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

/** Produces an answer as model events; aborting `signal` stops the work (the iteration just ends). */
export type AnswerModel = (request: ModelRequest, signal: AbortSignal) => AsyncIterable<ModelOutput>;

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

  // A plain function, not a generator delegating to the stream: one async layer less per token.
  return function model(request, signal) {
    const base = {
      model: options.model,
      messages: request.messages,
      temperature: request.temperature,
      ...limitParam(request.maxOutputTokens),
    };
    if (!options.streaming) return blocking(client, base, signal);
    return streamChat({ ...base, stream: true, stream_options: { include_usage: true } }, signal);
  };
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
