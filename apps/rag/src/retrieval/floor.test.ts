import type { FullTextHit } from '@classchat/db';
import { describe, expect, it } from 'vitest';
import { aboveFloor, bestTermMatch, closestSections, RELEVANCE_FLOOR } from './floor.js';

let next = 0;
const hit = (overrides: Partial<FullTextHit> = {}): FullTextHit => ({
  chunkId: `chunk-${++next}`,
  documentId: 'doc-a',
  classId: null,
  fileName: 'manual.pdf',
  chunkIndex: next,
  pageStart: 1,
  pageEnd: 1,
  charStart: 0,
  charEnd: 10,
  text: 'text',
  tokenCount: 2,
  sectionPath: [],
  sectionPageStart: null,
  sectionPageEnd: null,
  pageKind: 'body',
  sourceMap: null,
  score: 1,
  rank: 1,
  termMatch: 0.5,
  inFocus: false,
  listing: false,
  ...overrides,
});

describe('relevance floor', () => {
  it('judges by the best share of the question a body-page hit holds', () => {
    expect(bestTermMatch([hit({ termMatch: 0.2 }), hit({ termMatch: 0.7 }), hit({ termMatch: 0.4 })])).toBe(
      0.7,
    );
    expect(bestTermMatch([])).toBe(0);
  });

  it('does not let a listing (contents, index, bibliography) lift a question over it', () => {
    expect(bestTermMatch([hit({ termMatch: 1, listing: true }), hit({ termMatch: 0.3 })])).toBe(0.3);
    expect(bestTermMatch([hit({ termMatch: 1, pageKind: 'toc', listing: true })])).toBe(0);
  });

  it('passes at the floor and below it fails', () => {
    expect(aboveFloor(RELEVANCE_FLOOR)).toBe(true);
    expect(aboveFloor(RELEVANCE_FLOOR - 0.01)).toBe(false);
    expect(aboveFloor(0.3, 0.25)).toBe(true);
  });
});

describe('closest sections', () => {
  it('keeps the best hit of each section, best first, at most three', () => {
    const a1 = hit({ sectionPath: ['2 Vectors'], pageStart: 4 });
    const a2 = hit({ sectionPath: ['2 Vectors'], pageStart: 5 });
    const b = hit({ sectionPath: ['3 Lists'], pageStart: 9 });
    const other = hit({ documentId: 'doc-b', sectionPath: ['2 Vectors'], pageStart: 2 });
    const c = hit({ sectionPath: ['4 Frames'], pageStart: 12 });
    const closest = closestSections([a1, a2, b, other, c]);
    expect(closest.map((h) => h.chunkId)).toEqual([a1.chunkId, b.chunkId, other.chunkId]);
    expect(closest.map((h) => h.rank)).toEqual([1, 2, 3]);
  });

  it('tells sections apart by page when a document has none', () => {
    const closest = closestSections([hit({ pageStart: 3 }), hit({ pageStart: 3 }), hit({ pageStart: 8 })], 5);
    expect(closest.map((h) => h.pageStart)).toEqual([3, 8]);
  });
});
