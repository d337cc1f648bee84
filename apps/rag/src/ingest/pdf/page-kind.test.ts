import { describe, expect, it } from 'vitest';
import { classifyPage } from './page-kind.js';

const contents = [
  'Contents',
  '1 Getting started . . . . . . . . . . 3',
  '1.1 Installing R . . . . . . . . . . 3',
  '2 Data . . . . . . . . . . . . . . . 5',
  '2.5 Missing values . . . . . . . . . 6',
  '3 Functions . . . . . . . . . . . . 7',
];

describe('contents and index pages', () => {
  it('marks a page of dot-leadered entries early in a document as contents', () => {
    expect(classifyPage(contents, 2, 100)).toBe('toc');
  });

  it('marks entries with comma-separated page numbers as an index, wherever they are', () => {
    const index = ['Index', 'c(), 4, 5', 'function, 7', 'is.na(), 6', 'mean(), 4, 6, 7', 'vector, 5, 6'];
    expect(classifyPage(index, 8, 8)).toBe('index');
    expect(classifyPage(index, 2, 100)).toBe('index');
  });

  it('takes a leader-dotted page late in the document for its index, unless it is titled Contents', () => {
    const dotted = contents.slice(1);
    expect(classifyPage(dotted, 90, 100)).toBe('index');
    expect(classifyPage(contents, 90, 100)).toBe('toc');
  });

  it('leaves body text and tables of numbers alone', () => {
    const prose = [
      'The mean of 3, 4 and 5 is 4.',
      'R stores the vector in memory and prints it on request.',
      'Missing values are written NA in R, and most functions propagate them.',
      'See chapter 2 for more.',
      'A data frame is a list of vectors of equal length.',
    ];
    expect(classifyPage(prose, 10, 100)).toBe('body');
    const table = ['Year Sales', '1990 812', '1991 77', '1992 530', '1993 14', '1994 655'];
    expect(classifyPage(table, 10, 100)).toBe('body');
    expect(classifyPage(contents.slice(0, 3), 2, 100)).toBe('body'); // too few lines to tell
  });
});
