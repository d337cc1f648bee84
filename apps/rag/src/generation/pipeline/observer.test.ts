import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '@classchat/contracts';
import { createRagMetrics } from '../../observability/metrics.js';
import { answerEvents } from '../answer-pipeline.js';
import { createAnswerObserver, type ObservedAnswer } from './observer.js';
import {
  answeredWith,
  answerRequest,
  chunkHit,
  drain,
  fakeDeps,
  fakeModel,
  fakeRepositories,
  recordingBudget,
  recordingObserver,
  UNTIL_ABORTED,
  usage,
} from './pipeline.test-helpers.js';

const passage = chunkHit('Glycolysis splits one glucose molecule into two pyruvate molecules.');
const followUp = () =>
  answerRequest('tell me more', answeredWith('What is glycolysis?', 'It splits glucose [1].', [passage]));

function withModel(...steps: Parameters<typeof fakeModel>) {
  const { observer, calls } = recordingObserver();
  const { model, signals } = fakeModel(...steps);
  const deps = fakeDeps({ ...fakeRepositories({ chunks: [passage] }), model, observer });
  return { deps, calls, signals };
}

describe('what the pipeline tells its observer', () => {
  it('a completed answer: started, context, first token once, completed with the token count', async () => {
    const { deps, calls } = withModel('It', ' also', ' makes ATP', usage(400, 3));
    const events = await drain(answerEvents(deps, followUp()));
    // The three model tokens, written at once, travel as one token event; the count is of model tokens.
    expect(events.map((e) => e.type)).toEqual(['route', 'sources', 'token', 'done']);
    expect(calls).toEqual(['started:follow_up', 'context:grounded', 'first_token', 'completed:3']);
  });

  it('a model error after a token: failed with its code, then the error event; never completed', async () => {
    const { deps, calls } = withModel('It', new Error('boom'));
    const events = await drain(answerEvents(deps, followUp()));
    expect(events.at(-1)).toEqual({
      type: 'error',
      code: 'internal',
      message: expect.any(String) as string,
      retryable: true,
    });
    expect(calls).toEqual(['started:follow_up', 'context:grounded', 'first_token', 'failed:internal:1']);
  });

  it('the consumer breaking off: cancelled, and the model sees the abort', async () => {
    const { deps, calls, signals } = withModel('It', ' also', UNTIL_ABORTED);
    for await (const e of answerEvents(deps, followUp())) if (e.type === 'token') break;
    expect(signals[0]!.aborted).toBe(true);
    // Both tokens were written before the model waited: they went as the one event read.
    expect(calls).toEqual(['started:follow_up', 'context:grounded', 'first_token', 'cancelled:2']);
  });

  it('the client going away mid-answer: cancelled, without a further event', async () => {
    const { deps, calls, signals } = withModel('It', UNTIL_ABORTED, ' never');
    const client = new AbortController();
    const types: string[] = [];
    for await (const e of answerEvents(deps, followUp(), { signal: client.signal })) {
      types.push(e.type);
      if (e.type === 'token') client.abort();
    }
    expect(types).toEqual(['route', 'sources', 'token']);
    expect(signals[0]!.aborted).toBe(true);
    expect(calls.at(-1)).toBe('cancelled:1');
  });

  it('the deadline: failed with stream_too_long, a retryable error event', async () => {
    const { deps, calls } = withModel(UNTIL_ABORTED);
    const events = await drain(
      answerEvents({ ...deps, settings: { ...deps.settings, maxDurationS: 0.02 } }, followUp()),
    );
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'stream_too_long', retryable: true });
    expect(calls.at(-1)).toBe('failed:stream_too_long:0');
  });

  it('a refused budget: refused only, before any event', async () => {
    const { observer, calls } = recordingObserver();
    const deps = fakeDeps({
      ...fakeRepositories({ chunks: [passage] }),
      model: fakeModel('x').model,
      tokenBudget: recordingBudget({ refuse: true }).budget,
      observer,
    });
    await expect(answerEvents(deps, followUp()).next()).rejects.toSatisfy(
      (e) => AppError.is(e) && e.code === 'tpm_exceeded',
    );
    expect(calls).toEqual(['refused:true']);
  });

  it('a failed settle is reported, the answer still completes', async () => {
    const { observer, calls } = recordingObserver();
    const deps = fakeDeps({
      ...fakeRepositories({ chunks: [passage] }),
      model: fakeModel('x').model,
      tokenBudget: {
        reserve: (tokens) => Promise.resolve({ id: 'r', tokens }),
        settle: () => Promise.reject(new Error('redis down')),
      },
      observer,
    });
    expect((await drain(answerEvents(deps, followUp()))).at(-1)?.type).toBe('done');
    await expect.poll(() => calls).toContain('settle_failed');
    expect(calls).toContain('completed:1');
  });
});

describe('createAnswerObserver', () => {
  const answer: ObservedAnswer = { userId: 'u1', sessionId: 's1', route: 'general_qa', offline: false };

  function observed() {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        cb();
      },
    });
    const metrics = createRagMetrics();
    return { observer: createAnswerObserver(pino({ level: 'info' }, sink), metrics), metrics, lines };
  }

  it('counts each outcome and logs it with the user, session and route', async () => {
    const { observer, metrics, lines } = observed();
    observer.started(answer);
    observer.firstToken(answer, 12.5);
    observer.completed(answer, { tokens: 3, usage: usage(10, 3), durationMs: 40 });
    observer.started(answer);
    observer.failed(
      answer,
      { code: 'upstream_error', message: 'x', retryable: true },
      { tokens: 0, durationMs: 5, err: new Error('x') },
    );
    observer.started(answer);
    observer.cancelled(answer, { tokens: 2, durationMs: 7 });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/stream_started_total 3/);
    expect(text).toMatch(/stream_completed_total 1/);
    expect(text).toMatch(/stream_failed_total\{reason="upstream_error"\} 1/);
    expect(text).toMatch(/stream_failed_total\{reason="cancelled"\} 1/);
    expect(text).toMatch(/stream_first_token_seconds_count 1/);
    expect(text).toMatch(/stream_duration_seconds_count 3/);
    await expect
      .poll(() => lines.map((l) => l.event))
      .toEqual([
        'stream_started',
        'stream_first_token',
        'stream_completed',
        'stream_started',
        'stream_failed',
        'stream_started',
        'stream_cancelled',
      ]);
    expect(lines[2]).toMatchObject({
      userId: 'u1',
      sessionId: 's1',
      route: 'general_qa',
      tokens: 3,
      promptTokens: 10,
    });
  });
});
