import { describe, expect, it } from 'vitest';
import { FairQueue } from './fair-queue.js';

type Job = { id: string; user: string };
const job = (user: string, id: string): Job => ({ id, user });

/** Takes jobs until none can start; `running` counts what was taken (nothing finishes). */
function drain(queue: FairQueue<Job>, running = new Map<string, number>()): string[] {
  const taken: string[] = [];
  for (
    let next = queue.take((u) => running.get(u) ?? 0);
    next;
    next = queue.take((u) => running.get(u) ?? 0)
  ) {
    taken.push(next.id);
    running.set(next.user, (running.get(next.user) ?? 0) + 1);
  }
  return taken;
}

describe('fair ingestion queue', () => {
  it("serves users in turns, whoever queued first: a pile of one user's uploads does not hold the others back", () => {
    const queue = new FairQueue<Job>((j) => j.user, Infinity);
    for (const id of ['a1', 'a2', 'a3', 'a4']) queue.push(job('alice', id));
    queue.push(job('bob', 'b1'));
    queue.push(job('carol', 'c1'));
    queue.push(job('bob', 'b2'));
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
    expect(queue.size).toBe(0);
  });

  it('starts at most perOwner jobs per user; the others wait until one of theirs finishes', () => {
    const queue = new FairQueue<Job>((j) => j.user, 1);
    for (const id of ['a1', 'a2']) queue.push(job('alice', id));
    queue.push(job('bob', 'b1'));
    const running = new Map<string, number>();
    expect(drain(queue, running)).toEqual(['a1', 'b1']);
    expect(queue.size).toBe(1);
    // Both still running: nothing may start, even with free slots.
    expect(queue.take((u) => running.get(u) ?? 0)).toBeUndefined();
    running.set('alice', 0); // a1 finished
    expect(queue.take((u) => running.get(u) ?? 0)?.id).toBe('a2');
  });

  it('a user who was just served goes behind those who were not', () => {
    const queue = new FairQueue<Job>((j) => j.user, Infinity);
    queue.push(job('alice', 'a1'));
    expect(queue.take(() => 0)?.id).toBe('a1');
    queue.push(job('bob', 'b1'));
    queue.push(job('alice', 'a2'));
    queue.push(job('carol', 'c1'));
    expect(drain(queue)).toEqual(['b1', 'a2', 'c1']);
  });

  it('finds and removes a waiting job (a deleted document), keeping the rest in order', () => {
    const queue = new FairQueue<Job>((j) => j.user, Infinity);
    for (const j of [job('alice', 'a1'), job('bob', 'b1'), job('alice', 'a2')]) queue.push(j);
    expect(queue.some((j) => j.id === 'b1')).toBe(true);
    expect(queue.remove((j) => j.id === 'b1')?.id).toBe('b1');
    expect(queue.some((j) => j.id === 'b1')).toBe(false);
    expect(queue.remove((j) => j.id === 'nope')).toBeUndefined();
    expect(queue.size).toBe(2);
    expect(drain(queue)).toEqual(['a1', 'a2']);
    queue.push(job('dan', 'd1'));
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.take(() => 0)).toBeUndefined();
  });
});
