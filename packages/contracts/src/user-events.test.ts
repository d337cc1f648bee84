import { describe, expect, it } from 'vitest';
import { RevisionGuard, UserEvent, userEventKey } from './user-events.js';

const CLASS_ID = '7f0c2d4e-1b2a-4c3d-8e9f-0a1b2c3d4e5f';
const classUpdated = (rev: number, name: string): UserEvent => ({
  type: 'class-updated',
  rev,
  class: { id: CLASS_ID, name, documentCount: 0, createdAt: new Date(0).toISOString() },
});

describe('RevisionGuard', () => {
  it('accepts newer events about an entity and drops older or repeated ones', () => {
    const guard = new RevisionGuard();
    expect(guard.accept(classUpdated(2, 'Physics'))).toBe(true);
    expect(guard.accept(classUpdated(1, 'Old name'))).toBe(false);
    expect(guard.accept(classUpdated(2, 'Physics'))).toBe(false);
    expect(guard.accept(classUpdated(3, 'Quantum'))).toBe(true);
  });

  it('orders a deletion with the updates of the same entity', () => {
    const guard = new RevisionGuard();
    expect(guard.accept({ type: 'class-deleted', rev: 5, classId: CLASS_ID })).toBe(true);
    expect(guard.accept(classUpdated(4, 'Physics'))).toBe(false);
    expect(userEventKey(classUpdated(1, 'x'))).toBe(`class:${CLASS_ID}`);
  });

  it('keeps entities apart', () => {
    const guard = new RevisionGuard();
    expect(guard.accept(classUpdated(9, 'Physics'))).toBe(true);
    expect(guard.accept({ type: 'document-deleted', rev: 1, documentId: CLASS_ID })).toBe(true);
  });

  it('is the contract of the wire: an event without rev is refused', () => {
    expect(UserEvent.safeParse({ type: 'class-deleted', classId: CLASS_ID }).success).toBe(false);
  });
});
