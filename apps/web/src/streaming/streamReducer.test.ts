import type { ChatSseEvent } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { complete, OTHER_STREAM_ID, SESSION_ID, STREAM_ID, token } from '../test/fakeSocket.js';
import { initialStreamState, streamReducer, type StreamAction, type StreamState } from './streamReducer.js';

const watching = streamReducer(initialStreamState, { type: 'watch', streamId: STREAM_ID });

function ev(event: ChatSseEvent): StreamAction {
  return { type: 'event', event };
}

function tok(seq: number, text: string, streamId = STREAM_ID): StreamAction {
  return ev({ type: 'chat-stream-token', ...token(seq, text, streamId) });
}

function run(state: StreamState, ...actions: StreamAction[]): StreamState {
  return actions.reduce(streamReducer, state);
}

describe('streamReducer', () => {
  it('starts waiting (typing indicator) and records route and session from chat-stream-start', () => {
    expect(watching.phase).toBe('waiting');
    const s = run(
      watching,
      ev({ type: 'chat-stream-start', sessionId: SESSION_ID, streamId: STREAM_ID, route: 'general_qa' }),
    );
    expect(s).toMatchObject({ phase: 'waiting', route: 'general_qa', sessionId: SESSION_ID, text: '' });
  });

  it('appends tokens in seq order and switches to streaming on the first one', () => {
    const s = run(watching, tok(1, 'Eigen'), tok(2, 'values '), tok(3, 'matter'));
    expect(s).toMatchObject({ phase: 'streaming', text: 'Eigenvalues matter', lastSeq: 3 });
  });

  it('holds tokens that arrive ahead of a gap and applies them once the gap is filled', () => {
    const early = run(watching, tok(1, 'a'), tok(3, 'c'), tok(4, 'd'));
    expect(early.text).toBe('a');
    expect(early.lastSeq).toBe(1);
    const filled = streamReducer(early, tok(2, 'b'));
    expect(filled).toMatchObject({ text: 'abcd', lastSeq: 4, pending: {} });
  });

  it('drops a seq it has already applied, returning the same state object', () => {
    const s = run(watching, tok(1, 'one '), tok(2, 'two'));
    expect(streamReducer(s, tok(2, 'two'))).toBe(s);
    expect(streamReducer(s, tok(1, 'one '))).toBe(s);
    // a replay after reconnect that overlaps what was shown
    const replayed = run(s, tok(1, 'one '), tok(2, 'two'), tok(3, ' three'));
    expect(replayed.text).toBe('one two three');
  });

  it('drops a duplicate of a token that is still waiting for a gap', () => {
    const s = run(watching, tok(2, 'b'));
    expect(streamReducer(s, tok(2, 'b'))).toBe(s);
    expect(run(s, tok(1, 'a')).text).toBe('ab');
  });

  it('ignores events of other streams', () => {
    const s = run(watching, tok(1, 'mine'));
    expect(streamReducer(s, tok(2, 'theirs', OTHER_STREAM_ID))).toBe(s);
    expect(
      streamReducer(s, ev({ type: 'chat-stream-complete', ...complete('other'), streamId: OTHER_STREAM_ID })),
    ).toBe(s);
    expect(
      streamReducer(
        s,
        ev({
          type: 'chat-stream-error',
          sessionId: SESSION_ID,
          streamId: OTHER_STREAM_ID,
          error: 'x',
          code: 'internal',
          retryable: true,
        }),
      ),
    ).toBe(s);
  });

  it('ignores every event while idle (nothing watched)', () => {
    expect(streamReducer(initialStreamState, tok(1, 'x'))).toBe(initialStreamState);
  });

  it('replaces the partial text with exactly the final content on complete', () => {
    const partial = run(watching, tok(1, 'Eigenvalues are [2'), tok(2, ']'));
    const final = 'Eigenvalues are scalars [1].';
    const s = streamReducer(partial, ev({ type: 'chat-stream-complete', ...complete(final) }));
    expect(s.phase).toBe('complete');
    expect(s.text).toBe(final);
    expect(s.result?.content).toBe(final);
    expect(s.result?.messageId).toBeDefined();
  });

  it('completes even when tokens were missed or still pending', () => {
    const s = run(
      watching,
      tok(1, 'a'),
      tok(5, 'e'),
      ev({ type: 'chat-stream-complete', ...complete('final') }),
    );
    expect(s).toMatchObject({ phase: 'complete', text: 'final', pending: {} });
  });

  it('ignores tokens and a second complete after the stream ended', () => {
    const done = run(watching, tok(1, 'a'), ev({ type: 'chat-stream-complete', ...complete('A') }));
    expect(streamReducer(done, tok(2, 'late'))).toBe(done);
    expect(streamReducer(done, ev({ type: 'chat-stream-complete', ...complete('B') }))).toBe(done);
  });

  it('records a stream error with its retryable flag', () => {
    const s = run(
      watching,
      tok(1, 'partial'),
      ev({
        type: 'chat-stream-error',
        sessionId: SESSION_ID,
        streamId: STREAM_ID,
        error: 'The model stopped responding.',
        code: 'stream_timeout',
        retryable: true,
      }),
    );
    expect(s.phase).toBe('error');
    expect(s.error).toEqual({
      message: 'The model stopped responding.',
      code: 'stream_timeout',
      retryable: true,
    });
    expect(streamReducer(s, tok(2, 'more'))).toBe(s);
  });

  it('fails locally (POST rejected) only while active', () => {
    const error = { message: 'Free plan limit reached', code: 'quota_exceeded' as const, retryable: false };
    const failed = streamReducer(watching, { type: 'failed', error });
    expect(failed).toMatchObject({ phase: 'error', error });
    const done = run(watching, ev({ type: 'chat-stream-complete', ...complete('x') }));
    expect(streamReducer(done, { type: 'failed', error })).toBe(done);
  });

  it('marks stop requested once; a later stopped completion ends the stream', () => {
    const s = run(watching, tok(1, 'half'), { type: 'stop-requested' });
    expect(s.stopping).toBe(true);
    expect(streamReducer(s, { type: 'stop-requested' })).toBe(s);
    const stopped = streamReducer(
      s,
      ev({ type: 'chat-stream-complete', ...complete('half', { status: 'stopped' }) }),
    );
    expect(stopped).toMatchObject({ phase: 'complete', stopping: false, text: 'half' });
    expect(stopped.result?.status).toBe('stopped');
  });

  it('watching a new stream starts from scratch; reset goes idle', () => {
    const s = run(watching, tok(1, 'old'));
    const next = streamReducer(s, { type: 'watch', streamId: OTHER_STREAM_ID });
    expect(next).toMatchObject({ streamId: OTHER_STREAM_ID, text: '', lastSeq: 0, phase: 'waiting' });
    expect(streamReducer(next, { type: 'reset' })).toBe(initialStreamState);
  });
});
