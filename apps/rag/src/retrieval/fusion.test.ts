import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K } from './fusion.js';

const list = (...ids: string[]) => ids.map((chunkId, i) => ({ chunkId, rank: i + 1, from: ids.join('') }));

describe('reciprocal rank fusion', () => {
  it('scores each chunk by the sum of 1/(60 + rank) over the lists that hold it', () => {
    const fused = reciprocalRankFusion([list('a', 'b', 'c'), list('c', 'a')], { limit: 10 });
    expect(fused.map((f) => f.chunkId)).toEqual(['a', 'c', 'b']);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 2));
    expect(fused[1]!.score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 1));
    expect(fused[2]!.score).toBeCloseTo(1 / (RRF_K + 2));
    expect(fused.map((f) => f.rank)).toEqual([1, 2, 3]);
  });

  it('weights each list', () => {
    const fused = reciprocalRankFusion([list('a', 'b'), list('b', 'a')], { limit: 2, weights: [2, 1] });
    expect(fused.map((f) => f.chunkId)).toEqual(['a', 'b']);
    expect(fused[0]!.score).toBeCloseTo(2 / (RRF_K + 1) + 1 / (RRF_K + 2));
    const vectorsFirst = reciprocalRankFusion([list('a', 'b'), list('b', 'a')], {
      limit: 2,
      weights: [1, 2],
    });
    expect(vectorsFirst.map((f) => f.chunkId)).toEqual(['b', 'a']);
  });

  it('favours agreement between the lists over one list alone', () => {
    const fused = reciprocalRankFusion([list('x', 'shared'), list('y', 'shared')], { limit: 3 });
    expect(fused[0]!.chunkId).toBe('shared');
  });

  it('cuts to the limit and keeps the first list’s item', () => {
    const fused = reciprocalRankFusion([list('a', 'b'), list('b', 'a', 'c')], { limit: 2 });
    expect(fused).toHaveLength(2);
    expect(fused.find((f) => f.chunkId === 'b')!.from).toBe('ab');
  });

  it('breaks ties deterministically', () => {
    const fused = reciprocalRankFusion([list('b'), list('a')], { limit: 2 });
    expect(fused.map((f) => f.chunkId)).toEqual(['b', 'a']);
    expect(reciprocalRankFusion([list('z', 'y')], { limit: 5 }).map((f) => f.chunkId)).toEqual(['z', 'y']);
  });

  it('breaks an exact tie by the chunks’ place, not their random ids, so re-ingesting ranks the same', () => {
    const at = (chunkId: string, chunkIndex: number, rank: number) => ({
      chunkId,
      documentId: 'doc-a',
      chunkIndex,
      rank,
    });
    // Each is first in one list and second in the other: same score, best rank and first list.
    const fused = (late: string, early: string) =>
      reciprocalRankFusion(
        [
          [at(late, 7, 1), at(early, 3, 2)],
          [at(early, 3, 1), at(late, 7, 2)],
        ],
        { limit: 2 },
      ).map((f) => f.chunkIndex);
    expect(fused('ffff', '0000')).toEqual([3, 7]);
    expect(fused('0000', 'ffff')).toEqual([3, 7]);
  });

  it('handles empty input', () => {
    expect(reciprocalRankFusion([], { limit: 5 })).toEqual([]);
    expect(reciprocalRankFusion([[], []], { limit: 5 })).toEqual([]);
  });
});
