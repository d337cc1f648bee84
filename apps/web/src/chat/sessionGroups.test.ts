import type { SessionDto } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { groupSessionsByRecency } from './sessionGroups.js';

const now = new Date(2025, 10, 20, 15, 0);
const at = (day: number, hour: number) => new Date(2025, 10, day, hour).toISOString();

function session(id: string, updatedAt: string): SessionDto {
  return {
    id,
    title: id,
    assignedClass: null,
    assignedDocument: null,
    source: 'main_app',
    ephemeral: false,
    createdAt: updatedAt,
    updatedAt,
  };
}

describe('groupSessionsByRecency', () => {
  it('lists the most recently used chat first, in runs labelled by recency', () => {
    const groups = groupSessionsByRecency(
      [
        session('last-week', at(15, 9)),
        session('this-morning', at(20, 9)),
        session('yesterday', at(19, 20)),
        session('this-afternoon', at(20, 14)),
        session('long-ago', at(1, 9)),
      ],
      now,
    );
    expect(groups.map((g) => [g.label, g.items.map((s) => s.id)])).toEqual([
      ['Today', ['this-afternoon', 'this-morning']],
      ['Yesterday', ['yesterday']],
      ['Previous 7 days', ['last-week']],
      ['Earlier', ['long-ago']],
    ]);
  });

  it('has no groups without chats, and leaves the given list in its order', () => {
    expect(groupSessionsByRecency([], now)).toEqual([]);
    const given = [session('a', at(18, 9)), session('b', at(20, 9))];
    groupSessionsByRecency(given, now);
    expect(given.map((s) => s.id)).toEqual(['a', 'b']);
  });
});
