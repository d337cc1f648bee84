import { describe, expect, it } from 'vitest';
import { stageClock } from './stages.js';

describe('stageClock', () => {
  it('reports each step as ms since the start, in the order the steps ended', () => {
    let t = 100;
    const stages = stageClock(100, () => t);
    t = 101.26;
    stages.mark('auth');
    t = 105;
    stages.mark('reserve');
    expect(stages.toJSON()).toEqual({ auth: 1.3, reserve: 5 });
    expect(Object.keys(stages.toJSON())).toEqual(['auth', 'reserve']);
  });
});
