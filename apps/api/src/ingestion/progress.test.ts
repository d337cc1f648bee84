import { describe, expect, it } from 'vitest';
import { isNotable, ProgressTracker, stageProgress, STAGE_SPANS, type WorkStage } from './progress.js';

const stages: WorkStage[] = ['parsing', 'chunking', 'embedding', 'indexing'];

describe('ingestion progress', () => {
  it('gives each stage its own slice of the bar, in order, below 1', () => {
    let previousEnd = 0;
    for (const stage of stages) {
      const [from, to] = STAGE_SPANS[stage];
      expect(from).toBeGreaterThanOrEqual(previousEnd);
      expect(to).toBeGreaterThan(from);
      expect(stageProgress(stage, 0, 10)).toBe(from);
      expect(stageProgress(stage, 10, 10)).toBe(to);
      expect(stageProgress(stage, 5, 10)).toBeCloseTo((from + to) / 2);
      previousEnd = to;
    }
    expect(previousEnd).toBeLessThan(1);
    expect(stageProgress('indexing', 0, 0)).toBe(STAGE_SPANS.indexing[1]);
    expect(stageProgress('parsing', 12, 10)).toBe(STAGE_SPANS.parsing[1]);
  });

  it('never goes backwards: skipped stages, out-of-order events and a retry from parsing', () => {
    const tracker = new ProgressTracker();
    const seen: number[] = [];
    const stageSeen: string[] = [];
    const feed = (stage: WorkStage, done: number, total: number) => {
      const state = tracker.update(stage, done, total);
      if (state) {
        seen.push(state.progress);
        stageSeen.push(state.stage);
      }
    };
    for (let p = 0; p <= 20; p++) feed('parsing', p, 20);
    feed('parsing', 7, 20); // late event
    feed('chunking', 0, 20);
    feed('chunking', 20, 20);
    // embedding skipped (no embeddings endpoint)
    feed('indexing', 0, 40);
    // rag restarted: the retry reports parsing again
    for (let p = 0; p <= 20; p++) feed('parsing', p, 20);
    feed('indexing', 40, 40);
    const finished = tracker.finish();

    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    const order = ['queued', 'parsing', 'chunking', 'embedding', 'indexing', 'done'];
    for (let i = 1; i < stageSeen.length; i++) {
      expect(order.indexOf(stageSeen[i]!)).toBeGreaterThanOrEqual(order.indexOf(stageSeen[i - 1]!));
    }
    expect(seen.at(-1)).toBe(STAGE_SPANS.indexing[1]);
    expect(finished).toEqual({ stage: 'done', progress: 1 });
  });

  it('reports nothing for an event that changes nothing', () => {
    const tracker = new ProgressTracker();
    expect(tracker.update('parsing', 3, 10)).not.toBeNull();
    expect(tracker.update('parsing', 3, 10)).toBeNull();
    expect(tracker.update('parsing', 1, 10)).toBeNull();
  });

  it('tells the user about new stages and steps of at least 1%', () => {
    const a = { stage: 'parsing' as const, progress: 0.1 };
    expect(isNotable(null, a)).toBe(true);
    expect(isNotable(a, { stage: 'parsing', progress: 0.105 })).toBe(false);
    expect(isNotable(a, { stage: 'parsing', progress: 0.11 })).toBe(true);
    expect(isNotable(a, { stage: 'chunking', progress: 0.1 })).toBe(true);
  });
});
