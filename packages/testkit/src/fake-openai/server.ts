import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { embeddingToBase64, fakeEmbedding } from './embeddings.js';
import { countPromptTokens, countTokens, defaultReply, splitTokens } from './text.js';
import type {
  ChatRequest,
  ChatScript,
  CompletionUsage,
  EmbeddingsRequest,
  EmbeddingsScript,
  FakeOpenAI,
  FakeOpenAIOptions,
  RecordedChatRequest,
  RecordedEmbeddingsRequest,
  RecordedOtherRequest,
  RecordedRequest,
  RequestKind,
  RequestOutcome,
  ScriptedFailure,
  TokenListener,
  WaitOptions,
} from './types.js';

const DEFAULT_MODELS = ['gpt-4o-mini', 'text-embedding-3-small'];
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_EMBEDDING_INPUTS = 2048;
const MAX_DIMENSIONS = 8192;
const CONTROL_PREFIX = '/_fake/';
const TOKEN_SLOT = '\u0000token\u0000';

type Waiter = {
  n: number;
  kind: RequestKind | undefined;
  resolve: (requests: RecordedRequest[]) => void;
};

/** Per-request mutable state the recorded object does not expose. */
interface Live {
  rec: RecordedRequest;
  res: ServerResponse;
  timer: NodeJS.Timeout | undefined;
  resolveSettled: (rec: RecordedRequest) => void;
  /** Set when the fake itself ends the connection (cut / close), so 'close' is not a client disconnect. */
  endingByServer: RequestOutcome | undefined;
}

class HttpError extends Error {
  constructor(
    readonly failure: ScriptedFailure,
    readonly param: string | null = null,
  ) {
    super(failure.message);
  }
}

function errorBody(failure: ScriptedFailure, param: string | null = null) {
  const { status } = failure;
  const type =
    failure.type ?? (status === 429 ? 'requests' : status < 500 ? 'invalid_request_error' : 'server_error');
  const code =
    failure.code !== undefined
      ? failure.code
      : status === 429
        ? 'rate_limit_exceeded'
        : status === 503
          ? 'service_unavailable'
          : status === 401
            ? 'invalid_api_key'
            : null;
  const message =
    failure.message ??
    (status === 429
      ? 'Rate limit reached for requests (fake upstream).'
      : status === 503
        ? 'The server is overloaded or not ready yet (fake upstream).'
        : status >= 500
          ? 'The server had an error while processing your request (fake upstream).'
          : 'Invalid request (fake upstream).');
  return { error: { message, type, param, code } };
}

function delay(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError({ status: 413, message: 'Request body too large (fake upstream).' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function embeddingInputs(input: unknown): string[] {
  const invalid = () =>
    new HttpError({ status: 400, message: "'$.input' is invalid. Please check the API reference." }, 'input');
  let inputs: string[];
  if (typeof input === 'string') inputs = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'string'))
    inputs = input;
  else if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'number'))
    inputs = [input.join(' ')];
  else if (
    Array.isArray(input) &&
    input.length > 0 &&
    input.every((i) => Array.isArray(i) && i.length > 0 && i.every((t) => typeof t === 'number'))
  )
    inputs = (input as number[][]).map((tokens) => tokens.join(' '));
  else throw invalid();
  if (inputs.some((text) => text.length === 0)) throw invalid();
  if (inputs.length > MAX_EMBEDDING_INPUTS) throw invalid();
  return inputs;
}

/** `override` over `base`; an override that sets the answer (`reply` or `tokens`) replaces both. */
function mergeChatScript(base: ChatScript, override: ChatScript | undefined): ChatScript {
  if (!override) return { ...base };
  const merged = { ...base, ...override };
  if (override.reply !== undefined && override.tokens === undefined) delete merged.tokens;
  if (override.tokens !== undefined && override.reply === undefined) delete merged.reply;
  return merged;
}

/** What a chat request will be answered with: its error, or the tokens, finish reason and usage. */
function planChat(
  script: ChatScript,
  body: ChatRequest,
): {
  invalid: HttpError | undefined;
  tokens: string[];
  finishReason: RecordedChatRequest['finishReason'];
  usage: CompletionUsage;
} {
  let invalid = chatRequestError(body);
  let tokens: string[] = [];
  if (!invalid) {
    try {
      tokens = scriptedTokens(script, body);
    } catch (error) {
      invalid = new HttpError({
        status: 500,
        message: `fake upstream script threw: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  let finishReason = script.finishReason ?? 'stop';
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number' && maxTokens >= 0 && tokens.length > maxTokens) {
    tokens = tokens.slice(0, maxTokens);
    finishReason = 'length';
  }
  const promptTokens = invalid ? 0 : countPromptTokens(body);
  const completionTokens = script.usage?.completion_tokens ?? tokens.length;
  const prompt = script.usage?.prompt_tokens ?? promptTokens;
  const usage: CompletionUsage = {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: script.usage?.total_tokens ?? prompt + completionTokens,
  };
  return { invalid, tokens, finishReason, usage };
}

/** The error OpenAI answers a malformed chat request with, if it is one. */
function chatRequestError(body: Record<string, unknown>): HttpError | undefined {
  if (typeof body.model !== 'string') {
    return new HttpError({ status: 400, message: 'you must provide a model parameter' }, 'model');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return new HttpError(
      { status: 400, message: "Invalid 'messages': expected a non-empty array of messages." },
      'messages',
    );
  }
  if (body.stream !== true && body.stream_options != null) {
    return new HttpError(
      { status: 400, message: "The 'stream_options' parameter is only allowed when 'stream' is enabled." },
      'stream_options',
    );
  }
  return undefined;
}

/** The answer's tokens: the script's own split, else its reply (or the default reply) split. */
function scriptedTokens(script: ChatScript, body: ChatRequest): string[] {
  if (script.tokens !== undefined) {
    return typeof script.tokens === 'function' ? script.tokens(body) : [...script.tokens];
  }
  return splitTokens(
    typeof script.reply === 'function' ? script.reply(body) : (script.reply ?? defaultReply(body)),
  );
}

/** The frames of one streamed completion, all sharing its id, creation time and model. */
function chatChunkFrames(rec: RecordedChatRequest) {
  const base = {
    id: `chatcmpl-fake${rec.id}${randomBytes(6).toString('hex')}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: rec.body.model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  const frame = (choices: unknown[], usage: CompletionUsage | null = null): string =>
    `data: ${JSON.stringify(rec.includeUsage ? { ...base, choices, usage } : { ...base, choices })}\n\n`;
  // Token chunks are the hot path (hundreds of streams): splice the token into a prepared frame.
  const [tokenHead, tokenTail] = frame([
    { index: 0, delta: { content: TOKEN_SLOT }, logprobs: null, finish_reason: null },
  ]).split(JSON.stringify(TOKEN_SLOT)) as [string, string];
  return {
    /** Azure's prompt filter verdicts (when scripted), then the assistant role chunk. */
    opening: [
      ...(rec.script.promptFilterResults ? [azurePromptFilterFrame(base)] : []),
      frame([
        {
          index: 0,
          delta: { role: 'assistant', content: '', refusal: null },
          logprobs: null,
          finish_reason: null,
        },
      ]),
    ],
    token: (token: string) => tokenHead + JSON.stringify(token) + tokenTail,
    finish: () => frame([{ index: 0, delta: {}, logprobs: null, finish_reason: rec.finishReason }]),
    usage: () => frame([], rec.usage),
  };
}

/** The headers of an event stream, then its opening frames, each written as it is. */
function openEventStream(res: ServerResponse, requestId: number, opening: readonly string[]): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': `req_fake_${requestId}`,
  });
  for (const frame of opening) res.write(frame);
}

/** The inputs of a valid embeddings request; throws the HttpError OpenAI answers otherwise. */
function validEmbeddingsInputs(body: Record<string, unknown>, dimensions: number): string[] {
  if (typeof body.model !== 'string')
    throw new HttpError({ status: 400, message: 'you must provide a model parameter' }, 'model');
  const inputs = embeddingInputs(body.input);
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_DIMENSIONS)
    throw new HttpError({ status: 400, message: 'Invalid dimensions (fake upstream).' }, 'dimensions');
  if (
    body.encoding_format !== undefined &&
    body.encoding_format !== 'float' &&
    body.encoding_format !== 'base64'
  )
    throw new HttpError(
      { status: 400, message: "'encoding_format' must be 'float' or 'base64'." },
      'encoding_format',
    );
  return inputs;
}

/** The embeddings response: one deterministic vector per input, usage counted with the tokenizer. */
function embeddingsAnswer(body: EmbeddingsRequest, inputs: readonly string[], dimensions: number) {
  const base64 = body.encoding_format === 'base64';
  let tokens = 0;
  const data = inputs.map((text, index) => {
    tokens += countTokens(text);
    const vector = fakeEmbedding(text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: base64 ? embeddingToBase64(vector) : Array.from(vector),
    };
  });
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

/** Strip what JSON cannot carry (promises, functions) for the `/_fake/requests` control endpoint. */
function serialise(rec: RecordedRequest): Record<string, unknown> {
  const { settled: _settled, ...rest } = rec;
  return rest;
}

class FakeOpenAIServer implements FakeOpenAI {
  readonly timeOrigin = performance.timeOrigin;
  onTokenEmitted: TokenListener | undefined;

  private readonly server: http.Server;
  private readonly live = new Set<Live>();
  private records: RecordedRequest[] = [];
  private counts = new Map<RequestKind | 'all', number>();
  private nextId = 1;
  private waiters: Waiter[] = [];
  private chatDefault: ChatScript;
  private embeddingsDefault: EmbeddingsScript;
  private chatQueue: ChatScript[] = [];
  private embeddingsQueue: EmbeddingsScript[] = [];
  private address: AddressInfo | undefined;
  private closing = false;

  constructor(private readonly options: FakeOpenAIOptions) {
    this.chatDefault = { ...options.defaultScript };
    this.embeddingsDefault = { ...options.embeddingsScript };
    this.onTokenEmitted = options.onTokenEmitted;
    this.server = http.createServer({ noDelay: true, keepAlive: true }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => this.internalError(res, error));
    });
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
  }

  async listen(): Promise<void> {
    const { host = '127.0.0.1', port = 0 } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, backlog: 4096 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    countTokens('warm up the tokenizer'); // loads the BPE ranks now, not during the first request
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  get origin(): string {
    const host = this.address?.address ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get url(): string {
    return `${this.origin}/v1`;
  }

  get requests(): readonly RecordedRequest[] {
    return this.records;
  }

  get chatRequests(): readonly RecordedChatRequest[] {
    return this.records.filter((r): r is RecordedChatRequest => r.kind === 'chat');
  }

  get embeddingRequests(): readonly RecordedEmbeddingsRequest[] {
    return this.records.filter((r): r is RecordedEmbeddingsRequest => r.kind === 'embeddings');
  }

  get activeRequests(): number {
    return this.live.size;
  }

  setDefault(script: ChatScript): void {
    this.chatDefault = { ...script };
  }

  enqueue(...scripts: ChatScript[]): void {
    this.chatQueue.push(...scripts);
  }

  setEmbeddingsDefault(script: EmbeddingsScript): void {
    this.embeddingsDefault = { ...script };
  }

  enqueueEmbeddings(...scripts: EmbeddingsScript[]): void {
    this.embeddingsQueue.push(...scripts);
  }

  waitForRequests(n: number, options: WaitOptions & { kind: 'chat' }): Promise<RecordedChatRequest[]>;
  waitForRequests(
    n: number,
    options: WaitOptions & { kind: 'embeddings' },
  ): Promise<RecordedEmbeddingsRequest[]>;
  waitForRequests(n: number, options?: WaitOptions & { kind?: RequestKind }): Promise<RecordedRequest[]>;
  waitForRequests(n: number, options: WaitOptions & { kind?: RequestKind } = {}): Promise<RecordedRequest[]> {
    const { kind, timeoutMs = 10_000 } = options;
    if (this.count(kind) >= n) return Promise.resolve(this.matching(kind));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        n,
        kind,
        resolve: (requests) => {
          clearTimeout(timer);
          resolve(requests);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.records.map((r) => `${r.method} ${r.path}`).join(', ') || 'none';
        reject(
          new Error(
            `fake OpenAI: waited ${timeoutMs} ms for ${n} ${kind ?? ''} request(s), got ${this.count(kind)} (${seen})`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async waitForIdle(options: WaitOptions = {}): Promise<void> {
    const { timeoutMs = 10_000 } = options;
    const deadline = performance.now() + timeoutMs;
    while (this.live.size > 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new Error(`fake OpenAI: ${this.live.size} request(s) still open`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.race([...this.live].map((l) => l.rec.settled)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, remaining);
        }),
      ]);
      clearTimeout(timer);
    }
  }

  reset(): void {
    this.records = [];
    this.counts.clear();
    this.nextId = 1;
    this.chatQueue = [];
    this.embeddingsQueue = [];
    this.chatDefault = { ...this.options.defaultScript };
    this.embeddingsDefault = { ...this.options.embeddingsScript };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const l of [...this.live]) {
      l.endingByServer = 'server_closed';
      clearTimeout(l.timer);
      l.res.destroy();
    }
    for (const waiter of this.waiters) waiter.resolve(this.matching(waiter.kind));
    this.waiters = [];
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---------------------------------------------------------------- recording

  private count(kind: RequestKind | undefined): number {
    return this.counts.get(kind ?? 'all') ?? 0;
  }

  private matching(kind: RequestKind | undefined): RecordedRequest[] {
    return kind ? this.records.filter((r) => r.kind === kind) : [...this.records];
  }

  private record<R extends RecordedRequest>(
    req: IncomingMessage,
    res: ServerResponse,
    startedAt: number,
    fields: Omit<
      R,
      | 'id'
      | 'method'
      | 'path'
      | 'headers'
      | 'startedAt'
      | 'endedAt'
      | 'status'
      | 'outcome'
      | 'clientDisconnected'
      | 'completed'
      | 'settled'
    >,
  ): { rec: R; live: Live } {
    let resolveSettled!: (rec: RecordedRequest) => void;
    const settled = new Promise<RecordedRequest>((resolve) => {
      resolveSettled = resolve;
    });
    const rec = {
      id: this.nextId++,
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://fake').pathname,
      headers: req.headers,
      startedAt,
      endedAt: null,
      status: null,
      outcome: 'pending',
      clientDisconnected: false,
      completed: false,
      settled,
      ...fields,
    } as unknown as R;
    const live: Live = { rec, res, timer: undefined, resolveSettled, endingByServer: undefined };
    this.live.add(live);
    res.on('close', () => this.finish(live));
    // The client may have gone while the body was being read: 'close' has fired already.
    if (res.destroyed) queueMicrotask(() => this.finish(live));
    this.records.push(rec);
    const max = this.options.maxRecordedRequests;
    if (max !== undefined && this.records.length > max) this.records.splice(0, this.records.length - max);
    this.counts.set('all', this.count(undefined) + 1);
    this.counts.set(rec.kind, this.count(rec.kind) + 1);
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => this.count(w.kind) >= w.n);
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(this.matching(w.kind));
    }
    return { rec, live };
  }

  /** Runs once per request, when its response closes for whatever reason. */
  private finish(live: Live): void {
    if (!this.live.delete(live)) return;
    clearTimeout(live.timer);
    const { rec, res } = live;
    rec.endedAt = performance.now();
    rec.status = res.headersSent ? res.statusCode : null;
    if (res.writableFinished) {
      rec.outcome = 'completed';
      rec.completed = true;
    } else if (live.endingByServer) {
      rec.outcome = live.endingByServer;
    } else {
      rec.outcome = 'client_disconnected';
      rec.clientDisconnected = true;
    }
    live.resolveSettled(rec);
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '') || '/';
    if (path.startsWith(CONTROL_PREFIX)) return this.control(req, res, path);

    let body: unknown;
    let parseError: HttpError | undefined;
    try {
      const raw = await readBody(req);
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch (error) {
      parseError =
        error instanceof HttpError
          ? error
          : new HttpError({ status: 400, message: 'We could not parse the JSON body of your request.' });
    }

    const method = req.method ?? 'GET';
    const route =
      method === 'POST' && path === '/v1/chat/completions'
        ? 'chat'
        : method === 'POST' && path === '/v1/embeddings'
          ? 'embeddings'
          : method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))
            ? 'models'
            : 'other';

    const authFailure = this.checkAuth(req);
    if (route === 'models' && !authFailure) {
      const { live } = this.record<RecordedOtherRequest>(req, res, startedAt, { kind: 'models', body });
      return this.models(live, path);
    }
    if (route === 'other' || parseError || authFailure || !isRecord(body)) {
      const { live } = this.record<RecordedOtherRequest>(req, res, startedAt, {
        kind: route === 'models' ? 'models' : 'other',
        body,
      });
      const failure: ScriptedFailure =
        authFailure ??
        parseError?.failure ??
        (route === 'other'
          ? {
              status: 404,
              message: `Unknown request URL: ${method} ${path}. (fake upstream)`,
              code: 'unknown_url',
            }
          : { status: 400, message: 'The request body must be a JSON object.' });
      return this.sendError(live, failure);
    }
    if (route === 'chat') return this.chat(req, res, startedAt, body);
    return this.embeddings(req, res, startedAt, body);
  }

  private checkAuth(req: IncomingMessage): ScriptedFailure | undefined {
    const expected = this.options.apiKey;
    if (expected === undefined) return undefined;
    const header = req.headers.authorization ?? '';
    if (header === `Bearer ${expected}`) return undefined;
    return {
      status: 401,
      message: 'Incorrect API key provided (fake upstream).',
      type: 'invalid_request_error',
    };
  }

  private models(live: Live, path: string): void {
    const created = 1_700_000_000;
    const models = (this.options.models ?? DEFAULT_MODELS).map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'fake-openai',
    }));
    const one = path.startsWith('/v1/models/') ? decodeURIComponent(path.slice('/v1/models/'.length)) : null;
    if (one !== null) {
      const model = models.find((m) => m.id === one);
      if (!model)
        return this.sendError(live, {
          status: 404,
          message: `The model '${one}' does not exist (fake upstream).`,
          code: 'model_not_found',
        });
      return this.sendJson(live, 200, model);
    }
    this.sendJson(live, 200, { object: 'list', data: models });
  }

  private sendJson(live: Live, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(payload);
    live.res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': `req_fake_${live.rec.id}`,
      ...headers,
    });
    live.res.end(text);
  }

  private sendError(live: Live, failure: ScriptedFailure, param: string | null = null): void {
    const headers: Record<string, string> = {};
    if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
    this.sendJson(live, failure.status, errorBody(failure, param), headers);
  }

  private internalError(res: ServerResponse, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody({ status: 500, message: `fake upstream crashed: ${message}` })));
    } else res.destroy();
  }

  // ---------------------------------------------------------------- chat

  private chat(
    req: IncomingMessage,
    res: ServerResponse,
    startedAt: number,
    raw: Record<string, unknown>,
  ): void {
    const script = mergeChatScript(this.chatDefault, this.chatQueue.shift());
    const body = raw as ChatRequest;
    const plan = planChat(script, body);
    const stream = body.stream === true;
    const { rec, live } = this.record<RecordedChatRequest>(req, res, startedAt, {
      kind: 'chat',
      body,
      stream,
      includeUsage: stream && body.stream_options?.include_usage === true,
      script,
      plannedTokens: plan.tokens,
      tokensSent: [],
      tokenTimestamps: [],
      firstTokenAt: null,
      finishReason: plan.finishReason,
      usage: plan.usage,
    });
    if (plan.invalid) return this.sendError(live, plan.invalid.failure, plan.invalid.param);
    if (script.fail) return this.sendError(live, script.fail);
    if (script.hang) return;
    if (stream) this.streamChat(live, rec);
    else this.blockingChat(live, rec);
  }

  private blockingChat(live: Live, rec: RecordedChatRequest): void {
    const { script } = rec;
    const tokens = rec.plannedTokens;
    const cutAt = script.cutAfterTokens;
    const emitted = cutAt === undefined ? tokens.length : Math.min(cutAt, tokens.length);
    const wait = delay(script.firstTokenDelayMs) + delay(script.tokenDelayMs) * Math.max(0, emitted - 1);
    live.timer = setTimeout(() => {
      live.timer = undefined;
      if (cutAt !== undefined) return this.cut(live);
      const content = tokens.join('');
      const now = performance.now();
      rec.tokensSent = [...tokens];
      rec.tokenTimestamps = tokens.map(() => now);
      rec.firstTokenAt = tokens.length > 0 ? now : null;
      this.sendJson(live, 200, {
        id: `chatcmpl-fake${rec.id}${randomBytes(6).toString('hex')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: rec.body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: rec.finishReason,
          },
        ],
        usage: rec.usage,
        service_tier: 'default',
        system_fingerprint: 'fp_fake',
      });
    }, wait);
  }

  private streamChat(live: Live, rec: RecordedChatRequest): void {
    const { script, plannedTokens: tokens } = rec;
    const { res } = live;
    const frames = chatChunkFrames(rec);
    const tokenDelay = delay(script.tokenDelayMs);
    const cutAt =
      script.cutAfterTokens === undefined ? undefined : Math.min(script.cutAfterTokens, tokens.length);
    const streamError = script.streamError;
    const errorAt = streamError === undefined ? undefined : Math.min(streamError.afterTokens, tokens.length);
    let next = 0;
    let due = performance.now() + delay(script.firstTokenDelayMs);

    /** Ends the stream when no further token is due: cut, in-stream error, or finish + [DONE]. */
    const ended = (): boolean => {
      if (cutAt !== undefined && next >= cutAt) {
        this.cut(live);
        return true;
      }
      if (streamError && errorAt !== undefined && next >= errorAt) {
        const { afterTokens: _afterTokens, ...failure } = streamError;
        res.end(`data: ${JSON.stringify(errorBody({ status: 500, ...failure }))}\n\n`);
        return true;
      }
      if (next < tokens.length) return false;
      res.write(frames.finish());
      if (rec.includeUsage) res.write(frames.usage());
      res.end('data: [DONE]\n\n');
      return true;
    };

    const tick = (): void => {
      live.timer = undefined;
      if (live.endingByServer || res.destroyed) return;
      if (!res.headersSent) {
        openEventStream(res, rec.id, frames.opening);
        if (ended()) return;
      }
      // Catch up if timers ran late, so the average rate holds; never busy-wait.
      while (performance.now() >= due - 0.5) {
        const token = tokens[next] ?? '';
        res.write(frames.token(token));
        const at = performance.now();
        rec.tokensSent.push(token);
        rec.tokenTimestamps.push(at);
        rec.firstTokenAt ??= at;
        this.onTokenEmitted?.({ request: rec, index: next, token, at });
        next++;
        if (ended()) return;
        due += tokenDelay;
      }
      live.timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    live.timer = setTimeout(tick, Math.max(0, due - performance.now()));
  }

  /** End the connection abruptly once what was written is flushed: no finish chunk, no [DONE]. */
  private cut(live: Live): void {
    live.endingByServer = 'cut';
    const socket = live.res.socket;
    if (!socket) return;
    if (!live.res.headersSent) {
      socket.destroy();
      return;
    }
    // end() uncorks and flushes what is queued, then sends FIN; the chunked body stays unterminated.
    socket.end(() => socket.destroy());
  }
  // ---------------------------------------------------------------- embeddings

  private embeddings(
    req: IncomingMessage,
    res: ServerResponse,
    startedAt: number,
    body: Record<string, unknown>,
  ): void {
    const script: EmbeddingsScript = { ...this.embeddingsDefault, ...this.embeddingsQueue.shift() };
    const requested = body.dimensions;
    const dimensions =
      typeof requested === 'number'
        ? requested
        : (script.dimensions ?? this.options.embeddingDimensions ?? 512);
    let inputs: string[] = [];
    let invalid: HttpError | undefined;
    try {
      inputs = validEmbeddingsInputs(body, dimensions);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      invalid = error;
    }
    const { rec, live } = this.record<RecordedEmbeddingsRequest>(req, res, startedAt, {
      kind: 'embeddings',
      body: body as EmbeddingsRequest,
      script,
      inputs,
      dimensions,
    });
    if (invalid) return this.sendError(live, invalid.failure, invalid.param);
    if (script.fail) return this.sendError(live, script.fail);
    if (script.hang) return;
    const answer = (): void => {
      live.timer = undefined;
      this.sendJson(live, 200, embeddingsAnswer(rec.body, inputs, dimensions));
    };
    const wait = delay(script.delayMs);
    if (wait === 0) answer();
    else live.timer = setTimeout(answer, wait);
  }

  // ---------------------------------------------------------------- control API (for the CLI)

  private async control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req);
    const payload: unknown = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    const reply = (status: number, data: unknown) => {
      const text = JSON.stringify(data);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    const scripts = <T>(): T[] => (Array.isArray(payload) ? (payload as T[]) : [(payload ?? {}) as T]);
    const name = path.slice(CONTROL_PREFIX.length);
    if (req.method === 'GET' && name === 'requests')
      return reply(200, { timeOrigin: this.timeOrigin, requests: this.records.map(serialise) });
    if (req.method === 'POST') {
      switch (name) {
        case 'reset':
          this.reset();
          return reply(200, { ok: true });
        case 'default':
          this.setDefault(scripts<ChatScript>()[0] ?? {});
          return reply(200, { ok: true });
        case 'enqueue':
          this.enqueue(...scripts<ChatScript>());
          return reply(200, { ok: true });
        case 'embeddings/default':
          this.setEmbeddingsDefault(scripts<EmbeddingsScript>()[0] ?? {});
          return reply(200, { ok: true });
        case 'embeddings/enqueue':
          this.enqueueEmbeddings(...scripts<EmbeddingsScript>());
          return reply(200, { ok: true });
      }
    }
    reply(404, { error: `unknown control endpoint ${req.method} ${path}` });
  }
}

/**
 * Start a fake OpenAI-compatible upstream on 127.0.0.1 (port 0 unless given). Use `fake.url` as
 * the openai SDK's `baseURL`, and `await fake.close()` when done.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const fake = new FakeOpenAIServer(options);
  await fake.listen();
  return fake;
}

/** Azure OpenAI's first streamed chunk: no choices, the prompt's content filter verdicts. */
function azurePromptFilterFrame(base: Record<string, unknown>): string {
  const safe = { filtered: false, severity: 'safe' };
  const results = { hate: safe, self_harm: safe, sexual: safe, violence: safe };
  const chunk = {
    ...base,
    choices: [],
    model: '',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: results }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}
