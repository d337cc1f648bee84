import { describe, expect, it } from 'vitest';
import { findRunningLines } from '../corpus/running-lines.js';
import { chunkQuality, type StoredChunk } from './quality.js';

const pages = [1, 2, 3, 4].map((n) => ({
  page: n,
  lines: [
    { text: `Chapter 1: Basics ${n}`, y: 800 },
    { text: `Content of page ${['one', 'two', 'three', 'four'][n - 1]}.`, y: 400 },
    { text: ['alpha', 'beta', 'gamma', 'delta'][n - 1]!, y: 100 },
  ],
}));
const truth = {
  running: findRunningLines(pages),
  breaks: [{ page: 2, first: 'corre', second: 'sponding' }],
  tocPages: [1],
  outline: [{ title: '1 Basics', level: 1, page: 1 }],
};
const chunk = (over: Partial<StoredChunk>): StoredChunk => ({
  text: 'Content.',
  pageStart: 2,
  pageEnd: 2,
  sectionPath: null,
  pageKind: 'body',
  ...over,
});

describe('chunk quality against ground truth', () => {
  it('counts chunks with running lines, breaks left, sections and TOC marking', () => {
    const q = chunkQuality(
      [
        chunk({ text: 'Chapter 1: Basics 2\nContent of page two. corre-\nsponding', pageKind: 'body' }),
        chunk({
          text: 'Content of page one.',
          pageStart: 1,
          pageEnd: 1,
          pageKind: 'toc',
          sectionPath: ['Basics'],
        }),
        chunk({ text: 'Content of page three.', pageStart: 3, pageEnd: 3, pageKind: 'index' }),
      ],
      truth,
      [{ title: 'Basics', pageStart: 1 }],
    );
    expect(q).toMatchObject({
      chunks: 3,
      chunksWithRunningLine: 1,
      hyphenBreaks: 1,
      hyphenBreaksLeft: 1,
      outlineEntries: 1,
      outlineFound: 1,
      chunksWithSection: 1,
      tocPages: 1,
      chunksOnTocPages: 1,
      tocChunksMarked: 1,
      markedElsewhere: 1,
    });
  });

  it('reports a clean document as clean', () => {
    const q = chunkQuality([chunk({ text: 'Content of page two. corresponding' })], truth, null);
    expect(q).toMatchObject({ chunksWithRunningLine: 0, hyphenBreaksLeft: 0, outlineFound: 0 });
  });
});
