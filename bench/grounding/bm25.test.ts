import { describe, expect, it } from 'vitest';
import { buildBm25, tokenize } from './bm25.js';

const page = (file: string, n: number, text: string) => ({ file, page: n, text });

describe('page-level BM25 baseline', () => {
  it('ranks the page with the rare query term above pages full of common ones', () => {
    const search = buildBm25([
      page('a', 1, 'data file data file data file plot data file'),
      page('a', 2, 'data file plot plot'),
      page('a', 3, 'to read a csv file set the datafile separator'),
      page('b', 1, 'plot data file data'),
    ]);
    expect(search('how do I read a csv data file')[0]).toMatchObject({ file: 'a', page: 3 });
  });

  it('normalises by page length (k1 1.2, b 0.75) and returns at most k pages with a match', () => {
    const search = buildBm25([
      page('a', 1, `matrix ${'filler '.repeat(200)}`),
      page('a', 2, 'matrix rows columns'),
      page('a', 3, 'nothing relevant here'),
    ]);
    const hits = search('matrix', 3);
    expect(hits.map((h) => h.page)).toEqual([2, 1]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('finds code-like words and drops stopwords', () => {
    expect(tokenize('What does getopt_long do in the --help case?')).toEqual(['getopt_long', 'help', 'case']);
    const search = buildBm25([page('a', 1, 'use getopt_long to parse'), page('a', 2, 'the long road')]);
    expect(search('getopt_long')[0]?.page).toBe(1);
  });
});
