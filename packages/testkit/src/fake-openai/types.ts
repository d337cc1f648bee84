import type { IncomingHttpHeaders } from 'node:http';

/** A chat message as the OpenAI chat completions API accepts it (only the fields the fake reads). */
export interface ChatMessage {
  role: string;
  content: string | Array<{ type: string; text?: string }> | null;
  name?: string;
  [key: string]: unknown;
}

/** The parsed body of `POST /v1/chat/completions`. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

/** The parsed body of `POST /v1/embeddings`. */
export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
  [key: string]: unknown;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** An HTTP error answered before any token, with OpenAI's error body `{error:{message,type,param,code}}`. */
export interface ScriptedFailure {
  /** 429, 500 and 503 are the usual ones; any 4xx/5xx is accepted. */
  status: number;
  message?: string;
  /** Defaults by status: 429 → `requests`, 4xx → `invalid_request_error`, 5xx → `server_error`. */
  type?: string;
  /** Defaults by status: 429 → `rate_limit_exceeded`, 503 → `service_unavailable`, others null. */
  code?: string | null;
  /** Sent as `retry-after` (seconds) when set. */
  retryAfterSeconds?: number;
}

/**
 * How the fake answers one chat request. `setDefault` sets the script every request starts from;
 * `enqueue`d scripts are merged over it, one per request, first in first out (a queued `reply`
 * or `tokens` replaces both of the default's, other fields override one by one).
 */
export interface ChatScript {
  /** The answer text, or a function of the request. Default: {@link defaultReply}. */
  reply?: string | ((req: ChatRequest) => string);
  /** The exact token split to stream (overrides `reply`). Default: `splitTokens(reply)`. */
  tokens?: string[] | ((req: ChatRequest) => string[]);
  /** Delay before the response headers, the role chunk and the first token. Default 0. */
  firstTokenDelayMs?: number;
  /** Delay between two tokens. Default 0 (all tokens at once). */
  tokenDelayMs?: number;
  /** Answer with an HTTP error instead of streaming. */
  fail?: ScriptedFailure;
  /** Destroy the socket after this many content tokens: no finish chunk, no `[DONE]`. */
  cutAfterTokens?: number;
  /**
   * After this many tokens send an in-stream `data: {"error":{…}}` event (as OpenAI does when a
   * stream fails mid-way) and end the response normally, without `[DONE]`.
   */
  streamError?: { afterTokens: number; message?: string; type?: string; code?: string | null };
  /** Accept the request and never answer (disconnects are still noticed and recorded). */
  hang?: true;
  /** Overrides of the reported usage; `total_tokens` defaults to the sum. */
  usage?: Partial<CompletionUsage>;
  /** Default `stop`. */
  finishReason?: 'stop' | 'length' | 'content_filter';
  /**
   * Open the stream as Azure OpenAI does: a first chunk with no choices and the prompt's content
   * filter results (`prompt_filter_results`), before the role chunk.
   */
  promptFilterResults?: true;
}

/** How the fake answers one embeddings request. */
export interface EmbeddingsScript {
  fail?: ScriptedFailure;
  /** Delay before answering. Default 0. */
  delayMs?: number;
  hang?: true;
  /** Dimension when the request has no `dimensions` field. Default: the server's (512). */
  dimensions?: number;
}

export type RequestKind = 'chat' | 'embeddings' | 'models' | 'other';

/** How a recorded request ended. */
export type RequestOutcome =
  /** Still being answered. */
  | 'pending'
  /** The whole response was sent (including scripted HTTP errors). */
  | 'completed'
  /** The client closed the connection before the response was complete. */
  | 'client_disconnected'
  /** The fake cut the connection as scripted (`cutAfterTokens`). */
  | 'cut'
  /** The fake was closed while the request was open. */
  | 'server_closed';

interface RecordedBase {
  /** 1, 2, 3… in arrival order since start or the last `reset()`. */
  id: number;
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** `performance.now()` when the request arrived (add `fake.timeOrigin` for epoch milliseconds). */
  startedAt: number;
  /** `performance.now()` when the request ended in any way; null while pending. */
  endedAt: number | null;
  /** HTTP status sent; null if headers were never sent. */
  status: number | null;
  outcome: RequestOutcome;
  /** True when the client closed the connection before the response was complete. */
  clientDisconnected: boolean;
  /** True when the whole response was sent (scripted HTTP errors included). */
  completed: boolean;
  /** Resolves (never rejects) when the request has ended in any way. */
  settled: Promise<this>;
}

export interface RecordedChatRequest extends RecordedBase {
  kind: 'chat';
  body: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
  /** The script applied (default merged with the enqueued one). */
  script: ChatScript;
  /** The full token list the script planned to send (after `max_tokens`). */
  plannedTokens: string[];
  /** Content tokens actually written, in order. */
  tokensSent: string[];
  /** `performance.now()` at which each token of `tokensSent` was written. */
  tokenTimestamps: number[];
  /** `performance.now()` of the first content token, or null. */
  firstTokenAt: number | null;
  /** `length` when the request's `max_tokens` / `max_completion_tokens` cut the planned tokens. */
  finishReason: 'stop' | 'length' | 'content_filter';
  /** The usage the fake reported (or would have reported). */
  usage: CompletionUsage;
}

export interface RecordedEmbeddingsRequest extends RecordedBase {
  kind: 'embeddings';
  body: EmbeddingsRequest;
  script: EmbeddingsScript;
  /** The texts embedded (token-array inputs are recorded joined by spaces). */
  inputs: string[];
  dimensions: number;
}

export interface RecordedOtherRequest extends RecordedBase {
  kind: 'models' | 'other';
  body: unknown;
}

export type RecordedRequest = RecordedChatRequest | RecordedEmbeddingsRequest | RecordedOtherRequest;

export interface TokenEmittedEvent {
  request: RecordedChatRequest;
  /** 0-based index of the token in the stream. */
  index: number;
  token: string;
  /** `performance.now()` when it was written to the socket. */
  at: number;
}

export type TokenListener = (event: TokenEmittedEvent) => void;

export interface FakeOpenAIOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** The default chat script (see `setDefault`). */
  defaultScript?: ChatScript;
  /** The default embeddings script (see `setEmbeddingsDefault`). */
  embeddingsScript?: EmbeddingsScript;
  /** Embedding dimension when neither the request nor the script gives one. Default 512. */
  embeddingDimensions?: number;
  /** Model ids listed by `GET /v1/models`. */
  models?: string[];
  /** When set, requests whose bearer token differs get OpenAI's 401. */
  apiKey?: string;
  /** Keep at most this many records (oldest dropped; counts are unaffected). Default: unlimited. */
  maxRecordedRequests?: number;
  onTokenEmitted?: TokenListener;
}

export interface WaitOptions {
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, for the openai SDK's `baseURL`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` without `/v1`. */
  readonly origin: string;
  readonly port: number;
  /** `performance.timeOrigin` of the process serving the fake; epoch ms = timeOrigin + startedAt. */
  readonly timeOrigin: number;
  /** Every recorded request in arrival order (chat, embeddings, models, other). */
  readonly requests: readonly RecordedRequest[];
  readonly chatRequests: readonly RecordedChatRequest[];
  readonly embeddingRequests: readonly RecordedEmbeddingsRequest[];
  /** Requests currently being answered (or hanging). */
  readonly activeRequests: number;
  /** Called after every content token is written. May be replaced at any time. */
  onTokenEmitted: TokenListener | undefined;
  /** Replace the chat script every request starts from. */
  setDefault(script: ChatScript): void;
  /** Queue scripts for the next chat requests (one each, FIFO), merged over the default. */
  enqueue(...scripts: ChatScript[]): void;
  setEmbeddingsDefault(script: EmbeddingsScript): void;
  enqueueEmbeddings(...scripts: EmbeddingsScript[]): void;
  /** Resolve once at least `n` requests (of `kind`, or of any kind) have arrived since the last reset. */
  waitForRequests(n: number, options: WaitOptions & { kind: 'chat' }): Promise<RecordedChatRequest[]>;
  waitForRequests(
    n: number,
    options: WaitOptions & { kind: 'embeddings' },
  ): Promise<RecordedEmbeddingsRequest[]>;
  waitForRequests(n: number, options?: WaitOptions & { kind?: RequestKind }): Promise<RecordedRequest[]>;
  /** Resolve once no request is open (streams finished, cut, failed or disconnected). */
  waitForIdle(options?: WaitOptions): Promise<void>;
  /** Forget recorded requests and queued scripts; restore the default scripts given at start. */
  reset(): void;
  /** Stop listening and destroy every open connection (open requests end as `server_closed`). */
  close(): Promise<void>;
}
