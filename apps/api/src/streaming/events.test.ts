import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChatSseEvent, ChatStreamTokenPayload, SseDecoder } from '@classchat/contracts';
import { chatEventToSse, emitChatEvent, isTerminal, type ChatEvent, type ChatEventTarget } from './events.js';

const sessionId = randomUUID();
const streamId = randomUUID();
const token: ChatEvent = { type: 'chat-stream-token', sessionId, streamId, seq: 1, token: 'Hi' };
const error: ChatEvent = {
  type: 'chat-stream-error',
  sessionId,
  streamId,
  error: 'The answer was interrupted. Please try again.',
  code: 'stream_interrupted',
  retryable: true,
};

describe('chat events', () => {
  it('become Socket.IO events named by their type, with the payload of the contract', () => {
    const calls: Array<[string, unknown]> = [];
    const target: ChatEventTarget = {
      emit: (name, ...args) => {
        calls.push([name, args[0]]);
        return true;
      },
    };
    emitChatEvent(target, token);
    expect(calls).toEqual([['chat-stream-token', { sessionId, streamId, seq: 1, token: 'Hi' }]]);
    expect(ChatStreamTokenPayload.strict().parse(calls[0]![1])).toBeTruthy();
  });

  it('become SSE frames that decode back to the same ChatSseEvent', () => {
    const decoder = new SseDecoder(ChatSseEvent);
    const frames = chatEventToSse(token) + chatEventToSse(error);
    expect(frames.startsWith('data: {')).toBe(true);
    expect(decoder.push(frames)).toEqual([token, error]);
  });

  it('complete and error are terminal; start and token are not', () => {
    expect(isTerminal(error)).toBe(true);
    expect(isTerminal(token)).toBe(false);
    expect(isTerminal({ type: 'chat-stream-start', sessionId, streamId, route: 'summary' })).toBe(false);
  });
});
