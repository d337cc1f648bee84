import { describe, expect, it } from 'vitest';
import { failures } from './errors.js';
import { ingestEnd } from './ingest-routes.js';
import { DocumentGoneError } from './pipeline.js';

const state = { callerGone: false, timedOut: false, timeoutS: 30 };

describe('how a thrown ingestion ends', () => {
  it('is the caller going away whatever the pipeline threw as it was aborted', () => {
    expect(ingestEnd(failures.damaged(), { ...state, callerGone: true })).toEqual({ kind: 'caller-gone' });
  });

  it('is the document being deleted when the pipeline found it gone', () => {
    expect(ingestEnd(new DocumentGoneError(), state)).toEqual({ kind: 'document-gone' });
  });

  it('keeps a student-facing failure as it is, even after the timeout', () => {
    const failure = failures.damaged();
    expect(ingestEnd(failure, { ...state, timedOut: true })).toEqual({
      kind: 'failed',
      failure,
      crashed: false,
    });
  });

  it('is the timeout failure when the time ran out', () => {
    const end = ingestEnd(new Error('aborted'), { ...state, timedOut: true });
    expect(end).toMatchObject({
      kind: 'failed',
      crashed: false,
      failure: { message: failures.timeout(30).message },
    });
  });

  it('is a crash, told as an internal failure, for any other error', () => {
    const end = ingestEnd(new TypeError('x is undefined'), state);
    expect(end).toMatchObject({
      kind: 'failed',
      crashed: true,
      failure: { message: failures.internal().message },
    });
  });
});
