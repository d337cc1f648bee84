import type { MessageDto } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http.js';
import { complete } from '../test/fakeSocket.js';
import { chatFailure, missingAnswerOutcome, repeatNotice, sendFailure } from './answerRules.js';
import { applyCompletion, localUserMessage } from './messageModel.js';

const STREAM = 'stream-1';
const question = localUserMessage('What is a basis?', 0);
const [, answer] = applyCompletion(
  [question],
  complete('A basis is [1].', {
    versions: [
      {
        content: 'A basis is [1].',
        citations: [],
        chunkReferences: [],
        createdAt: '2025-11-20T10:00:00.000Z',
      },
    ],
  }),
  null,
) as [MessageDto, MessageDto];

describe('missingAnswerOutcome', () => {
  it('waits while the chat still names the answer as running', () => {
    const detail = { activeStream: { streamId: STREAM, seq: 3 }, messages: [question] };
    expect(missingAnswerOutcome(STREAM, detail, 3, [question])).toBe('wait');
  });

  it('calls an answer interrupted when part of it was shown and nothing of it was saved', () => {
    expect(missingAnswerOutcome(STREAM, { messages: [question] }, 2, [question])).toBe('interrupted');
  });

  it('shows what was saved when the answer was saved, or when nothing of it was shown', () => {
    expect(missingAnswerOutcome(STREAM, { messages: [question, answer] }, 2, [question])).toBe('show-saved');
    expect(missingAnswerOutcome(STREAM, { messages: [question] }, 0, [question])).toBe('show-saved');
  });

  it('does not wait for another answer the chat names running', () => {
    const detail = { activeStream: { streamId: 'other', seq: 1 }, messages: [question] };
    expect(missingAnswerOutcome(STREAM, detail, 0, [question])).toBe('show-saved');
  });
});

describe('chatFailure / sendFailure', () => {
  it('lets a network drop be retried even when the error does not say so', () => {
    expect(chatFailure({ message: 'Offline', code: 'network_error', retryable: false })).toEqual({
      message: 'Offline',
      retryable: true,
    });
    expect(chatFailure({ message: 'No', code: 'forbidden', retryable: false }).retryable).toBe(false);
  });

  it('retries a send the server did not answer, rate-limited or failed, but not one it refused', () => {
    const api = (status: number) => new ApiError(status, 'quota_exceeded', 'Something');
    expect(sendFailure(api(0)).retryable).toBe(true);
    expect(sendFailure(api(429)).retryable).toBe(true);
    expect(sendFailure(api(503)).retryable).toBe(true);
    expect(sendFailure(api(403))).toMatchObject({ code: 'quota_exceeded', retryable: false });
    expect(sendFailure(new Error('boom'))).toMatchObject({ code: 'internal', retryable: true });
  });
});

describe('repeatNotice', () => {
  it('names the repeated version counting from 1', () => {
    expect(repeatNotice(0)).toContain('version 1 word for word');
  });
});
