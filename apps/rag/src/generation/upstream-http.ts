import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import OpenAI, { APIError } from 'openai';

/**
 * Requests to the model provider that the SDK builds (URL, auth and default headers, body, timeout)
 * and `node:http` sends, on kept-alive connections: the SDK's own `fetch` costs several times the
 * CPU and about a millisecond more per request, on the path to every answer's first token. Failures
 * are the SDK's error classes, as its own calls would throw them.
 */

/** Kept-alive connections to the provider, one pool per scheme. */
export type UpstreamAgents = Record<'http:' | 'https:', http.Agent>;

export function upstreamAgents(): UpstreamAgents {
  return {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
}

/** A request as the SDK builds it (`client.buildRequest`): URL, method, headers, body, timeout. */
export interface BuiltRequest {
  url: string;
  timeout: number;
  req: { method?: string; headers?: unknown; body?: unknown };
}

/**
 * Requests to one endpoint: the SDK builds the first, and the ones after it reuse its URL, headers and
 * timeout (the client's settings, the same for every request) with their own JSON body. A reused
 * request needs no `await`, so it is on its way before the caller's next stretch of work.
 */
export function requestsLike(build: (body: object) => Promise<BuiltRequest>) {
  let first: BuiltRequest | null = null;
  return {
    /** The request for `body` built like the first one; null before there is a first. */
    reuse: (body: object): BuiltRequest | null =>
      first && { ...first, req: { ...first.req, body: JSON.stringify(body) } },
    build: async (body: object): Promise<BuiltRequest> => (first = await build(body)),
  };
}

/**
 * Sends the request; resolves with the response once its headers are in (the SDK's timeout runs
 * until then). A kept-alive connection that the server closed just as it was reused fails before
 * any answer: that request is sent once more, on a connection of its own (nothing was answered, so
 * nothing can be repeated).
 */
export function send(
  built: BuiltRequest,
  agents: UpstreamAgents,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const url = new URL(built.url);
  const secure = url.protocol === 'https:';
  const payload = typeof built.req.body === 'string' ? built.req.body : '';
  const headers = Object.fromEntries(built.req.headers as Headers);
  headers['content-length'] = String(Buffer.byteLength(payload));
  const deadline = performance.now() + built.timeout;
  const attempt = (mayRetry: boolean) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      let timedOut = false;
      const req = (secure ? https : http).request(url, {
        method: built.req.method ?? 'POST',
        headers,
        // The retry opens a connection of its own: the pool's other idle ones may be just as stale
        // (a server closes connections idle for its keep-alive timeout, often several at once).
        agent: mayRetry ? agents[secure ? 'https:' : 'http:'] : false,
      });
      // The signal is followed by hand, not passed to `request`: once the body is read or given up,
      // a later abort (the caller aborts once it knows the outcome) must not touch this request.
      const onAbort = () => req.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(
        () => {
          timedOut = true;
          req.destroy();
        },
        Math.max(0, deadline - performance.now()),
      );
      req.once('response', (res) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(res);
      });
      req.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) reject(new OpenAI.APIUserAbortError());
        else if (timedOut) reject(new OpenAI.APIConnectionTimeoutError());
        else if (mayRetry && req.reusedSocket && err.code === 'ECONNRESET') resolve(attempt(false));
        else reject(new OpenAI.APIConnectionError({ cause: err }));
      });
      req.end(payload);
    });
  return attempt(true);
}

/** The SDK's error for a non-2xx answer: its body's `error` object, or its text as the message. */
export async function statusError(res: IncomingMessage): Promise<APIError> {
  let text = '';
  try {
    res.setEncoding('utf8');
    for await (const chunk of res) text += chunk as string;
  } catch (err) {
    text = err instanceof Error ? err.message : String(err);
  }
  let json: object | undefined;
  try {
    json = JSON.parse(text) as object;
  } catch {
    json = undefined;
  }
  return APIError.generate(res.statusCode ?? 0, json, json ? undefined : text, headersOf(res));
}

export function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * A JSON request's answer: its parsed body when the status is 2xx, else the SDK's error for the
 * status. Aborting `signal` before the body is read throws `APIUserAbortError`.
 */
export async function requestJson(
  built: BuiltRequest,
  agents: UpstreamAgents,
  signal: AbortSignal,
): Promise<unknown> {
  const res = await send(built, agents, signal);
  if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) {
    throw await statusError(res);
  }
  const onAbort = () => res.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  let text = '';
  try {
    res.setEncoding('utf8');
    for await (const chunk of res) text += chunk as string;
  } catch (err) {
    if (signal.aborted) throw new OpenAI.APIUserAbortError();
    throw new OpenAI.APIConnectionError({ cause: err instanceof Error ? err : new Error(String(err)) });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return JSON.parse(text) as unknown;
}

/** Whether the SDK would try a failed request again: no answer (connection, timeout) or 408/409/429/5xx. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof OpenAI.APIConnectionError) return true;
  if (!(err instanceof APIError) || err.status === undefined) return false;
  return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
}
