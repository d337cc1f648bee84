import { describe, expect, it } from 'vitest';
import { composeOfflineAnswer } from './index.js';
import { readCorpus } from './model.js';
import { partsOf } from './sections.js';
import { passage } from './test-passages.js';

const toc = passage(
  [
    'Contents',
    '1 Vectors . . . . . . . . . . 3',
    '2 Factors . . . . . . . . . . 5',
    '3 Data frames . . . . . . 8',
  ].join('\n'),
  { pageStart: 2, pageEnd: 2, pageKind: 'toc', sectionPath: ['Contents'] },
);
const sections = [
  passage(
    'A vector is an ordered collection of values of one type. Vectors are built with the function c(), which joins its arguments. Arithmetic on vectors works element by element.',
    {
      chunkIndex: 1,
      pageStart: 3,
      pageEnd: 4,
      sectionPath: ['1 Vectors'],
      sectionPageStart: 3,
      sectionPageEnd: 4,
    },
  ),
  passage(
    'A factor is a vector object used to specify a discrete classification of the components of other vectors. The levels of a factor are its distinct values. Factors are used to group data in tables.',
    {
      chunkIndex: 2,
      pageStart: 5,
      pageEnd: 7,
      sectionPath: ['2 Factors'],
      sectionPageStart: 5,
      sectionPageEnd: 7,
    },
  ),
  passage(
    'A data frame is a list of vectors of equal length that is shown like a table. Each column of a data frame may have its own type. Data frames are read from files with read.table().',
    {
      chunkIndex: 3,
      pageStart: 8,
      pageEnd: 9,
      sectionPath: ['3 Data frames'],
      sectionPageStart: 8,
      sectionPageEnd: 9,
    },
  ),
];
const index = passage(['Index', 'c(), 3', 'factor, 5', 'read.table(), 9'].join('\n'), {
  chunkIndex: 4,
  pageStart: 10,
  pageEnd: 10,
  pageKind: 'index',
  sectionPath: ['Index'],
});

describe('the offline summary', () => {
  it('walks the sections in order with their pages, skipping the table of contents and the index', () => {
    const { markdown, citations } = composeOfflineAnswer({
      route: 'summary',
      question: 'summarize this document',
      passages: [toc, ...sections, index],
    });
    expect(markdown.split('\n')[0]).toMatch(/^_Offline summary/);
    const titles = [...markdown.matchAll(/\*\*(.+?)\*\* · (pp?\. [\d–]+)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(titles).toEqual(['1 Vectors pp. 3–4', '2 Factors pp. 5–7', '3 Data frames pp. 8–9']);
    expect(markdown).not.toMatch(/Contents|Index|\. \. \./);
    expect(citations.map((c) => c.page)).toEqual([3, 5, 8]);
    expect(citations.every((c) => c.sectionPath?.length === 1)).toBe(true);
  });

  it('falls back to the chapters found in the text when there are no section paths, leaving dot-leader lines out', () => {
    const corpus = readCorpus([
      passage('Table of Contents\n1 Vectors . . . . . . . 3\n2 Factors . . . . . . 5', {
        pageStart: 2,
        pageEnd: 2,
      }),
      passage('1 Vectors\nA vector is an ordered collection of values of one type.', {
        chunkIndex: 1,
        pageStart: 3,
        pageEnd: 3,
      }),
      passage('2 Factors\nA factor is a vector object used to classify other vectors.', {
        chunkIndex: 2,
        pageStart: 5,
        pageEnd: 5,
      }),
    ]);
    const parts = partsOf(corpus);
    expect(parts.map((p) => [p.title, p.pageStart])).toEqual([
      ['1 Vectors', 3],
      ['2 Factors', 5],
    ]);
  });

  it('leaves out the unnumbered sections before the first numbered one (a title page, a preface)', () => {
    const title = passage(
      'A Short Course in R. Course reader for the spring term, for first-year students.',
      {
        pageStart: 1,
        pageEnd: 1,
        sectionPath: ['A Short Course in R'],
        sectionPageStart: 1,
        sectionPageEnd: 1,
      },
    );
    const parts = partsOf(readCorpus([title, ...sections]));
    expect(parts.map((p) => p.title)).toEqual(['1 Vectors', '2 Factors', '3 Data frames']);
  });

  it('keeps an unnumbered first section when the document does not number its sections', () => {
    const unnumbered = sections.map((s) => ({ ...s, sectionPath: [s.sectionPath[0]!.slice(2)] }));
    const intro = passage(
      'This reader introduces the basic objects of R, one chapter at a time, with examples.',
      {
        sectionPath: ['Introduction'],
      },
    );
    const parts = partsOf(readCorpus([intro, ...unnumbered]));
    expect(parts.map((p) => p.title)).toEqual(['Introduction', 'Vectors', 'Factors', 'Data frames']);
  });
});
