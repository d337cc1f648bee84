import { vi } from 'vitest';

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
  headers: Headers;
}

/** An answer: `body` as JSON, or `text` as it is (a served file). */
interface Answer {
  status?: number;
  body?: unknown;
  text?: string;
}

type Handler = (call: RecordedCall) => Answer | undefined;

/**
 * Replaces `fetch` with a tiny router over `/api/v1/*`: `on('POST /chat/new', handler)`.
 * Every call is recorded; unknown routes answer 404.
 */
export function fakeApi() {
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  const calls: RecordedCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input, 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/^\/api\/v1/, '') + url.search;
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call = { method, path, body, headers: new Headers(init?.headers) };
    calls.push(call);
    await Promise.resolve();
    const route = routes.find((r) => r.method === method && r.pattern.test(path.split('?')[0]!));
    const answer = route?.handler(call) ?? { status: 404, body: { message: 'Not found', code: 'not_found' } };
    const status = answer.status ?? 200;
    if (answer.text !== undefined) return new Response(answer.text, { status });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    on(route: string, handler: Handler | Answer) {
      const [method, path] = route.split(' ') as [string, string];
      const pattern = new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
      routes.unshift({ method, pattern, handler: typeof handler === 'function' ? handler : () => handler });
      return this;
    },
    callsTo(method: string, prefix: string) {
      return calls.filter((c) => c.method === method && c.path.startsWith(prefix));
    },
  };
}
