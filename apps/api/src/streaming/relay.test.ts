import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError, type RagStreamEvent } from '@classchat/contracts';
import type { ChatEvent } from './events.js';
import { StreamRegistry } from './registry.js';
import {
  ChatDeletedError,
  relayStream,
  type FinishedAnswer,
  type RagEventSource,
  type SavedAnswer,
  type StreamObserver,
} from './relay.js';

const done = (content: string): RagStreamEvent => ({
  type: 'done',
  content,
  citations: [],
  chunkReferences: [],
  usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13 },
});

/** A rag event source from a script: events, pauses (ms) and a final throw; honours the abort signal. */
function scripted(steps: Array<RagStreamEvent | number | Error>, opts: { ignoreAbort?: boolean } = {}) {
  const seen: { signal: AbortSignal | null; returned: boolean } = { signal: null, returned: false };
  const source: RagEventSource = (signal) => {
    seen.signal = signal;
    return (async function* () {
      try {
        for (const step of steps) {
          if (typeof step === 'number') {
            await new Promise<void>((resolve, reject) => {
              const onAbort = () => {
                clearTimeout(timer);
                reject(signal.reason as Error);
              };
              const timer = setTimeout(() => {
                signal.removeEventListener('abort', onAbort);
                resolve();
              }, step);
              if (!opts.ignoreAbort) signal.addEventListener('abort', onAbort, { once: true });
            });
          } else if (step instanceof Error) throw step;
          else yield step;
        }
      } finally {
        seen.returned = true;
      }
    })();
  };
  return { source, seen };
}

function harness(options: { saveFails?: Error; idleTimeoutMs?: number; maxDurationMs?: number } = {}) {
  const emitted: Array<{ userId: string; event: ChatEvent }> = [];
  const registry = new StreamRegistry();
  const stream = registry.begin({
    streamId: randomUUID(),
    userId: randomUUID(),
    sessionId: randomUUID(),
    requestId: 'req-1',
    receivedAt: performance.now(),
  });
  registry.addSink(stream.streamId, (event, s) => emitted.push({ userId: s.userId, event }));
  const calls: string[] = [];
  const saved: FinishedAnswer[] = [];
  const lifecycle: string[] = [];
  const observer: StreamObserver = {
    started: () => lifecycle.push('started'),
    firstToken: () => lifecycle.push('first_token'),
    completed: (_s, info) => lifecycle.push(`completed:${info.status}:${info.tokens}`),
    failed: (_s, f) => lifecycle.push(`failed:${f.code}`),
    settlementError: (_s, _e, step) => lifecycle.push(`settlement_error:${step}`),
  };
  const run = (source: RagEventSource) =>
    relayStream({
      stream,
      source,
      publisher: registry,
      observer,
      timeouts: {
        idleTimeoutMs: options.idleTimeoutMs ?? 5_000,
        maxDurationMs: options.maxDurationMs ?? 10_000,
      },
      settlement: {
        save(answer): Promise<SavedAnswer> {
          calls.push('save');
          if (options.saveFails) return Promise.reject(options.saveFails);
          saved.push(answer);
          return Promise.resolve({
            messageId: randomUUID(),
            content: answer.content,
            citations: answer.citations,
            chunkReferences: answer.chunkReferences,
            versions: [
              {
                content: answer.content,
                citations: [],
                chunkReferences: [],
                createdAt: new Date().toISOString(),
              },
            ],
            currentVersion: 0,
            status: answer.status,
          });
        },
        release() {
          calls.push('release');
          return Promise.resolve();
        },
        charge() {
          calls.push('charge');
          return Promise.resolve();
        },
      },
    });
  const events = () => emitted.map((e) => e.event);
  const types = () => events().map((e) => e.type);
  return { registry, stream, emitted, events, types, calls, saved, lifecycle, run };
}

describe('relayStream', () => {
  it('relays start, tokens with contiguous seq from 1, then saves once and completes with the final content', async () => {
    const h = harness();
    const { source } = scripted([
      { type: 'route', route: 'quote_finding' },
      { type: 'token', content: 'Hello' },
      { type: 'keepalive' },
      { type: 'token', content: ' world' },
      { type: 'token', content: ' [1]' },
      done('Hello world [1]'),
    ]);
    const outcome = await h.run(source);
    expect(outcome.kind).toBe('completed');
    expect(h.types()).toEqual([
      'chat-stream-start',
      'chat-stream-token',
      'chat-stream-token',
      'chat-stream-token',
      'chat-stream-complete',
    ]);
    const [start, ...rest] = h.events();
    expect(start).toMatchObject({
      route: 'quote_finding',
      streamId: h.stream.streamId,
      sessionId: h.stream.sessionId,
    });
    const tokens = rest.filter((e) => e.type === 'chat-stream-token');
    expect(tokens.map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(tokens.map((t) => t.token).join('')).toBe('Hello world [1]');
    expect(h.events().at(-1)).toMatchObject({
      type: 'chat-stream-complete',
      content: 'Hello world [1]',
      status: 'complete',
    });
    expect(h.calls).toEqual(['save']);
    expect(h.saved[0]).toMatchObject({
      content: 'Hello world [1]',
      route: 'quote_finding',
      status: 'complete',
    });
    expect(h.emitted.every((e) => e.userId === h.stream.userId)).toBe(true);
    expect(h.lifecycle).toEqual(['started', 'first_token', 'completed:complete:3']);
    expect(h.registry.size).toBe(0);
  });

  it('saves the content of done (citations renumbered by rag), not the concatenated tokens', async () => {
    const h = harness();
    await h.run(
      scripted([{ type: 'route', route: 'general_qa' }, { type: 'token', content: 'A [3]' }, done('A [1]')])
        .source,
    );
    expect(h.saved[0]!.content).toBe('A [1]');
    expect(h.events().at(-1)).toMatchObject({ content: 'A [1]' });
  });

  it('does not forward keepalives', async () => {
    const h = harness();
    await h.run(
      scripted([{ type: 'keepalive' }, { type: 'route', route: 'summary' }, { type: 'keepalive' }, done('')])
        .source,
    );
    expect(h.types()).toEqual(['chat-stream-start', 'chat-stream-complete']);
  });

  it('announces a start (fallback route) when rag sends text before a route', async () => {
    const h = harness();
    await h.run(scripted([{ type: 'token', content: 'x' }, done('x')]).source);
    expect(h.events()[0]).toMatchObject({ type: 'chat-stream-start', route: 'general_qa' });
  });

  it("on rag's error event: aborts the request, releases, saves nothing, sends a retryable error", async () => {
    const h = harness();
    const { source, seen } = scripted([
      { type: 'route', route: 'general_qa' },
      { type: 'token', content: 'part' },
      { type: 'error', message: 'upstream 500: boom', code: 'upstream_error', retryable: true },
    ]);
    const outcome = await h.run(source);
    expect(outcome.kind).toBe('failed');
    expect(seen.signal?.aborted).toBe(true);
    expect(h.calls).toEqual(['release']);
    expect(h.events().at(-1)).toEqual({
      type: 'chat-stream-error',
      sessionId: h.stream.sessionId,
      streamId: h.stream.streamId,
      error: 'The AI model ran into a problem. Please try again.',
      code: 'upstream_error',
      retryable: true,
    });
    expect(h.lifecycle.at(-1)).toBe('failed:upstream_error');
    expect(h.registry.size).toBe(0);
  });

  it('a stream that ends without done is interrupted: released, retryable error', async () => {
    const h = harness();
    await h.run(
      scripted([
        { type: 'route', route: 'general_qa' },
        { type: 'token', content: 'half' },
      ]).source,
    );
    expect(h.calls).toEqual(['release']);
    expect(h.events().at(-1)).toMatchObject({ code: 'stream_interrupted', retryable: true });
  });

  it('a broken connection (the read throws) is interrupted', async () => {
    const h = harness();
    await h.run(scripted([{ type: 'route', route: 'general_qa' }, new TypeError('terminated')]).source);
    expect(h.calls).toEqual(['release']);
    expect(h.events().at(-1)).toMatchObject({ code: 'stream_interrupted', retryable: true });
  });

  it('rag refusing the request (AppError before any event) keeps its code', async () => {
    const h = harness();
    await h.run(scripted([new AppError('tpm_exceeded', 'Token budget exhausted')]).source);
    expect(h.types()).toEqual(['chat-stream-error']);
    expect(h.events()[0]).toMatchObject({ code: 'tpm_exceeded', retryable: true });
  });

  it('times out after the idle timeout without any event, even when the source ignores the signal', async () => {
    const h = harness({ idleTimeoutMs: 60 });
    const { source, seen } = scripted([{ type: 'route', route: 'general_qa' }, 10_000], {
      ignoreAbort: true,
    });
    const t0 = performance.now();
    await h.run(source);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(seen.signal?.aborted).toBe(true);
    expect(h.calls).toEqual(['release']);
    expect(h.events().at(-1)).toMatchObject({ code: 'stream_timeout', retryable: true });
  });

  it('keepalives keep a slow stream alive past the idle timeout', async () => {
    const h = harness({ idleTimeoutMs: 80 });
    const steps: Array<RagStreamEvent | number> = [{ type: 'route', route: 'general_qa' }];
    for (let i = 0; i < 5; i++) steps.push(40, { type: 'keepalive' });
    steps.push({ type: 'token', content: 'late' }, done('late'));
    const outcome = await h.run(scripted(steps).source);
    expect(outcome.kind).toBe('completed');
  });

  it('stops a stream that exceeds the maximum duration although tokens keep coming', async () => {
    const h = harness({ idleTimeoutMs: 1_000, maxDurationMs: 100 });
    const steps: Array<RagStreamEvent | number> = [{ type: 'route', route: 'general_qa' }];
    for (let i = 0; i < 100; i++) steps.push(10, { type: 'token', content: 't' });
    steps.push(done('t'));
    await h.run(scripted(steps).source);
    expect(h.calls).toEqual(['release']);
    expect(h.events().at(-1)).toMatchObject({ code: 'stream_too_long', retryable: true });
  });

  it('a failed save releases the reservation and ends in an error', async () => {
    const h = harness({ saveFails: new Error('db down') });
    await h.run(
      scripted([{ type: 'route', route: 'general_qa' }, { type: 'token', content: 'x' }, done('x')]).source,
    );
    expect(h.calls).toEqual(['save', 'release']);
    expect(h.events().at(-1)).toMatchObject({ type: 'chat-stream-error', code: 'internal', retryable: true });
    expect(h.lifecycle).toContain('settlement_error:save');
  });

  it('a chat deleted before the save still counts once the student saw text, and tells the client', async () => {
    const h = harness({ saveFails: new ChatDeletedError() });
    await h.run(
      scripted([{ type: 'route', route: 'general_qa' }, { type: 'token', content: 'x' }, done('x')]).source,
    );
    expect(h.calls).toEqual(['save', 'charge']);
    expect(h.events().at(-1)).toMatchObject({
      type: 'chat-stream-error',
      code: 'not_found',
      retryable: false,
    });
    expect(h.lifecycle).not.toContain('settlement_error:save');
  });

  it('a chat deleted before any text was shown costs nothing', async () => {
    const h = harness({ saveFails: new ChatDeletedError() });
    await h.run(scripted([{ type: 'route', route: 'general_qa' }, done('')]).source);
    expect(h.calls).toEqual(['save', 'release']);
  });

  it('user Stop after some text saves the partial answer as stopped', async () => {
    const h = harness();
    const { source } = scripted([
      { type: 'route', route: 'general_qa' },
      { type: 'token', content: 'Partial' },
      5_000,
    ]);
    const running = h.run(source);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.registry.cancel(h.stream.userId, h.stream.streamId)).toBe(true);
    const outcome = await running;
    expect(outcome.kind).toBe('stopped');
    expect(h.saved[0]).toMatchObject({ content: 'Partial', status: 'stopped' });
    expect(h.events().at(-1)).toMatchObject({
      type: 'chat-stream-complete',
      status: 'stopped',
      content: 'Partial',
    });
  });

  it('user Stop before any text saves nothing and ends in a non-retryable cancelled error', async () => {
    const h = harness();
    const running = h.run(scripted([5_000]).source);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.registry.cancel(randomUUID(), h.stream.streamId)).toBe(false);
    expect(h.registry.cancel(h.stream.userId, h.stream.streamId)).toBe(true);
    await running;
    expect(h.calls).toEqual(['release']);
    expect(h.events().at(-1)).toMatchObject({ code: 'cancelled', retryable: false });
  });

  it('closes the source after the terminal event', async () => {
    const h = harness();
    const { source, seen } = scripted([
      { type: 'route', route: 'general_qa' },
      done(''),
      { type: 'token', content: 'never' },
    ]);
    await h.run(source);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen.returned).toBe(true);
    expect(h.types()).not.toContain('chat-stream-token');
  });
});
