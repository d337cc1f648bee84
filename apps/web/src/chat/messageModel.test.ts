import type { MessageDto } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { complete, MESSAGE_ID } from '../test/fakeSocket.js';
import { answerSaved, applyCompletion, lastAnswer, localUserMessage, selectVersion } from './messageModel.js';

const user = localUserMessage('What is a basis?', 0);

describe('applyCompletion', () => {
  it('appends a new answer with exactly the completed content', () => {
    const list = applyCompletion([user], complete('A basis is [1].'), 'general_qa');
    expect(list).toHaveLength(2);
    expect(list[1]).toMatchObject({
      id: MESSAGE_ID,
      role: 'assistant',
      content: 'A basis is [1].',
      route: 'general_qa',
      position: 1,
    });
  });

  it('a retry replaces the same assistant message with its new version (no new message)', () => {
    const first = applyCompletion([user], complete('v1'), 'general_qa');
    const versions = [
      { content: 'v1', citations: [], chunkReferences: [], createdAt: '2025-11-20T10:00:00.000Z' },
      { content: 'v2', citations: [], chunkReferences: [], createdAt: '2025-11-20T10:01:00.000Z' },
    ];
    const withReaction = first.map((m) => (m.id === MESSAGE_ID ? { ...m, reaction: 'like' as const } : m));
    const second = applyCompletion(withReaction, complete('v2', { versions, currentVersion: 1 }), null);
    expect(second).toHaveLength(2);
    expect(second[1]).toMatchObject({
      content: 'v2',
      currentVersion: 1,
      reaction: 'like',
      route: 'general_qa',
    });
    expect(second[1]!.versions).toHaveLength(2);
  });

  it('keeps the stopped status', () => {
    const list = applyCompletion([user], complete('half', { status: 'stopped' }), null);
    expect(list[1]!.status).toBe('stopped');
  });
});

describe('selectVersion / lastAnswer', () => {
  it('shows the content and citations of the chosen version', () => {
    const [, answer] = applyCompletion(
      [user],
      complete('v2', {
        versions: [
          { content: 'v1', citations: [], chunkReferences: [], createdAt: '2025-11-20T10:00:00.000Z' },
          { content: 'v2', citations: [], chunkReferences: [], createdAt: '2025-11-20T10:01:00.000Z' },
        ],
        currentVersion: 1,
      }),
      null,
    ) as [MessageDto, MessageDto];
    expect(selectVersion(answer, 0)).toMatchObject({ content: 'v1', currentVersion: 0, citations: [] });
    expect(selectVersion(answer, 5)).toBe(answer);
    expect(lastAnswer([user, answer])).toBe(answer);
    expect(lastAnswer([answer, user])).toBeNull();
  });
});

describe('answerSaved', () => {
  const version = (content: string) => ({
    content,
    citations: [],
    chunkReferences: [],
    createdAt: '2025-11-20T10:00:00.000Z',
  });
  const [, answer] = applyCompletion([user], complete('v1', { versions: [version('v1')] }), null) as [
    MessageDto,
    MessageDto,
  ];

  it('is true for an answer the shown chat does not have', () => {
    expect(answerSaved([user], [user, answer])).toBe(true);
  });

  it('is true for a new version of a shown answer', () => {
    const retried = { ...answer, versions: [version('v1'), version('v2')], currentVersion: 1 };
    expect(answerSaved([user, answer], [user, retried])).toBe(true);
  });

  it('is false when the saved chat has no answer or version beyond what is shown', () => {
    expect(answerSaved([user, answer], [user, answer])).toBe(false);
    expect(answerSaved([user], [user])).toBe(false);
  });

  it('ignores a question the shown chat does not have', () => {
    const question = localUserMessage('And a dimension?', 2);
    expect(answerSaved([user, answer], [user, answer, question])).toBe(false);
  });
});
