import type { Citation, SemanticSearchResponse } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { findRunningLines } from '../corpus/running-lines.js';
import { quotedSentences, quoteNoise, scoreAnswer, scoreBaseline } from './score.js';

const DOC = '00000000-0000-4000-8000-000000000001';
const chunkId = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

function citation(n: number, fileName: string, page: number): Citation {
  return {
    n,
    documentId: DOC,
    fileName,
    page,
    chunkId: chunkId(n),
    snippet: '',
    charStart: null,
    charEnd: null,
    href: `/documents/${DOC}?page=${page}`,
  };
}

function response(message: string, citations: Citation[], coverage?: 'grounded' | 'not_covered') {
  return {
    message,
    route: 'general_qa',
    citations,
    chunkReferences: citations.map((c) => ({
      chunkId: c.chunkId,
      documentId: DOC,
      fileName: c.fileName,
      pageStart: c.page,
      pageEnd: c.page,
    })),
    ...(coverage ? { coverage } : {}),
  } satisfies SemanticSearchResponse;
}

const fileIds = new Map([
  ['gnuplot.pdf', 'gnuplot'],
  ['pari.pdf', 'pari'],
]);
const target = { file: 'gnuplot', pages: [144, 109], snippet: 'set datafile separator' };

describe('scoring an answer', () => {
  it('counts a right page in any citation, and separately in the first one by marker number', () => {
    const score = scoreAnswer(
      target,
      response('“Use set datafile separator comma.” [2]', [
        citation(2, 'gnuplot.pdf', 144),
        citation(1, 'gnuplot.pdf', 3),
      ]),
      fileIds,
    );
    expect(score).toMatchObject({
      anyCitation: true,
      firstCitation: false,
      snippet: true,
      notCovered: false,
    });
  });

  it('needs the right file as well as the right page', () => {
    const score = scoreAnswer(target, response('no', [citation(1, 'pari.pdf', 144)]), fileIds);
    expect(score).toMatchObject({ anyCitation: false, firstCitation: false, snippet: false });
  });

  it('reads coverage: absent means grounded, not_covered counts as the "not covered" answer', () => {
    expect(scoreAnswer(target, response('x', []), fileIds).notCovered).toBe(false);
    expect(scoreAnswer(target, response('x', [], 'not_covered'), fileIds).notCovered).toBe(true);
  });

  it('scores the baseline by its first and any of its top pages', () => {
    const hits = [
      { file: 'gnuplot', page: 3, score: 2 },
      { file: 'gnuplot', page: 109, score: 1 },
    ];
    expect(scoreBaseline(target, hits)).toEqual({ any: true, first: false });
    expect(scoreBaseline(target, [])).toEqual({ any: false, first: false });
  });
});

describe('quoted sentences', () => {
  it('takes curly-quoted passages with their markers, split into sentences', () => {
    const message =
      '_Offline answer._\n\n> “First one. Second one here.” [1]\n>\n> — a.pdf, page 3\n\n> “Third (x).” [2]\n>\n> — a.pdf, page 4';
    expect(quotedSentences(message)).toEqual([
      { sentence: 'First one.', n: 1 },
      { sentence: 'Second one here.', n: 1 },
      { sentence: 'Third (x).', n: 2 },
    ]);
  });

  it('falls back to blockquote lines without the attribution line', () => {
    expect(quotedSentences('> plain quote [3]\n>\n> — a.pdf, page 9')).toEqual([
      { sentence: 'plain quote [3]', n: 3 },
    ]);
  });

  it('reads 【n】 markers and leaves the code blocks of a quote out (code is not a sentence)', () => {
    const message = '> Plot it with:【2】\n>\n> ```\n> plot [0:10] sin(x)\n> ```\n>\n> — g.pdf, p. 10';
    expect(quotedSentences(message)).toEqual([{ sentence: 'Plot it with:', n: 2 }]);
    expect(quotedSentences('> “A quote.”【4】')).toEqual([{ sentence: 'A quote.', n: 4 }]);
  });

  it('flags sentences holding a running header, a page number or a dot leader of the cited page', () => {
    const pages = [1, 2, 3, 4].map((n) => ({
      page: n,
      lines: [
        { text: `Chapter 4: Program Behavior ${n}`, y: 800 },
        { text: `Body line ${n} about options.`, y: 400 },
        { text: ['alpha', 'beta', 'gamma', 'delta'][n - 1]!, y: 100 },
      ],
    }));
    const running = new Map([['g.pdf', findRunningLines(pages)]]);
    const noisy = (message: string) =>
      quoteNoise(response(message, [citation(1, 'g.pdf', 3)]), running).noisy;
    expect(noisy('“Body line 3 about options.” [1]')).toBe(0);
    expect(noisy('“Chapter 4: Program Behavior 3 Body line 3 about options.” [1]')).toBe(1);
    expect(noisy('“about options 3 Body line” [1]')).toBe(0); // 3 is in the body text of page 3
    expect(noisy('“Options . . . . . 12” [1]')).toBe(1);
  });
});
