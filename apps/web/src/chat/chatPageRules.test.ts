import { describe, expect, it } from 'vitest';
import { chatTitle, messagesOnScreen } from './chatPageRules.js';
import { localUserMessage } from './messageModel.js';

describe('chatTitle', () => {
  it('is the chat’s own title when it has one', () => {
    expect(chatTitle({ title: 'Krebs cycle' }, 'abc')).toBe('Krebs cycle');
  });

  it('is "Chat" for an open chat that is untitled or not listed yet', () => {
    expect(chatTitle({ title: '' }, 'abc')).toBe('Chat');
    expect(chatTitle(null, 'abc')).toBe('Chat');
  });

  it('is "New chat" before the first question', () => {
    expect(chatTitle(null, null)).toBe('New chat');
  });
});

describe('messagesOnScreen', () => {
  const question = localUserMessage('What is a basis?', 0);
  const answer = { ...localUserMessage('A basis is…', 1), id: 'answer', role: 'assistant' as const };
  const messages = [question, answer];

  it('hides the answer being retried while its replacement streams', () => {
    expect(messagesOnScreen(messages, 'answer', true)).toEqual([question]);
  });

  it('shows the answer again once the stream has ended', () => {
    expect(messagesOnScreen(messages, 'answer', false)).toBe(messages);
  });

  it('shows every message while nothing is retried', () => {
    expect(messagesOnScreen(messages, null, true)).toBe(messages);
  });
});
