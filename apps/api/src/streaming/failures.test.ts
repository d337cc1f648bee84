import { describe, expect, it } from 'vitest';
import { AppError } from '@classchat/contracts';
import {
  failureEndedWithoutDone,
  failureFromRagError,
  failureFromThrown,
  StreamAbort,
  studentMessage,
  type StreamAbortKind,
} from './failures.js';

const aborted = (kind: StreamAbortKind) => {
  const c = new AbortController();
  c.abort(new StreamAbort(kind));
  return c.signal;
};
const live = new AbortController().signal;

describe('stream failures', () => {
  it('idle timeout, max duration, broken connections and rag outages are retryable, in plain words', () => {
    const cases = [
      failureFromThrown(new Error('aborted'), aborted('idle_timeout')),
      failureFromThrown(new Error('aborted'), aborted('max_duration')),
      failureFromThrown(new TypeError('terminated'), live),
      failureFromThrown(new AppError('unavailable', 'rag unreachable'), live),
      failureEndedWithoutDone(),
    ];
    expect(cases.map((f) => f.code)).toEqual([
      'stream_timeout',
      'stream_too_long',
      'stream_interrupted',
      'unavailable',
      'stream_interrupted',
    ]);
    for (const f of cases) {
      expect(f.retryable).toBe(true);
      expect(f.message).toMatch(/Please try again/);
      expect(f.message).not.toMatch(/terminated|rag|ECONN|TypeError/);
    }
  });

  it("hides the model's raw error text behind a student message", () => {
    const f = failureFromRagError({
      code: 'upstream_error',
      message: '500 Internal Server Error from api.openai.com',
    });
    expect(f).toMatchObject({
      code: 'upstream_error',
      retryable: true,
      message: 'The AI model ran into a problem. Please try again.',
    });
    expect(f.detail).toContain('api.openai.com');
  });

  it("keeps rag's own message for user-facing codes and honours its retryable flag", () => {
    const f = failureFromRagError({ code: 'not_found', message: 'Document not found', retryable: false });
    expect(f).toMatchObject({ code: 'not_found', message: 'Document not found', retryable: false });
    expect(failureFromRagError({ code: 'invalid_input', message: 'x', retryable: true }).retryable).toBe(
      true,
    );
  });

  it('a user Stop is not retryable', () => {
    expect(failureFromThrown(new Error('aborted'), aborted('cancelled'))).toMatchObject({
      code: 'cancelled',
      retryable: false,
    });
  });

  it('every code has a message', () => {
    expect(studentMessage('internal')).toMatch(/Something went wrong/);
    expect(studentMessage('tpm_exceeded')).toMatch(/busy/);
  });
});
