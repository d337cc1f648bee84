import type { MessageDto } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { messageDto } from '../test/dtos.js';
import { ShownRevisions } from './shownRevisions.js';

const message = (id: string, position: number, content: string): MessageDto =>
  messageDto({ id, position, role: position % 2 === 0 ? 'user' : 'assistant', content });
const Q = '11111111-1111-4111-8111-111111111111';
const A = '22222222-2222-4222-8222-222222222222';
const Q2 = '33333333-3333-4333-8333-333333333333';

describe('the revisions of the messages a chat view shows', () => {
  it('drops a message event at or below the rev of the chat as read, and takes a newer one once', () => {
    const revisions = new ShownRevisions();
    revisions.recordRead(10);
    expect(revisions.acceptMessage(A, 9)).toBe(false);
    expect(revisions.acceptMessage(A, 10)).toBe(false);
    expect(revisions.acceptMessage(A, 11)).toBe(true);
    expect(revisions.acceptMessage(A, 11)).toBe(false);
    // Another message has its own history, still bounded by the read.
    expect(revisions.acceptMessage(Q, 10.5)).toBe(true);
  });

  it('keeps what events newer than a read showed when the read arrives after them', () => {
    const revisions = new ShownRevisions();
    const saved = [message(Q, 0, 'Question'), message(A, 1, 'Old answer')];
    // While the chat was being read, an event about the answer (newer) and a new question arrived.
    expect(revisions.acceptMessage(A, 12)).toBe(true);
    expect(revisions.acceptMessage(Q2, 13)).toBe(true);
    const shown = [message(A, 1, 'New answer'), message(Q2, 2, 'Next question')];
    const detail = { messages: saved, rev: 11 };
    revisions.recordRead(detail.rev);
    expect(revisions.merge(shown, detail).map((m) => m.content)).toEqual([
      'Question',
      'New answer',
      'Next question',
    ]);
    // An event the read already covers does not survive it.
    const later = { messages: [message(Q, 0, 'Question'), message(A, 1, 'Saved answer')], rev: 20 };
    revisions.recordRead(later.rev);
    expect(revisions.merge(shown, later).map((m) => m.content)).toEqual(['Question', 'Saved answer']);
  });

  it('takes a read without a rev (an older server) as it is, and forgets everything on clear', () => {
    const revisions = new ShownRevisions();
    expect(revisions.acceptMessage(A, 5)).toBe(true);
    const detail = { messages: [message(Q, 0, 'Question')] };
    revisions.recordRead(undefined);
    expect(revisions.merge([message(A, 1, 'Shown')], detail)).toEqual(detail.messages);
    revisions.recordRead(50);
    revisions.clear();
    expect(revisions.acceptMessage(A, 5)).toBe(true);
  });
});
