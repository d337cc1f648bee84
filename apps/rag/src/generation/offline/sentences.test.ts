import { describe, expect, it } from 'vitest';
import { sentenceSpans, sentences } from './sentences.js';

describe('sentence splitting', () => {
  it.each([
    ['Use a vector, e.g. c(1, 2). Then stop.', ['Use a vector, e.g. c(1, 2).', 'Then stop.']],
    ['That is, i.e. The rest is here. Next.', ['That is, i.e. The rest is here.', 'Next.']],
    ['Version 6.3 added it. R 4.2.1 is new.', ['Version 6.3 added it.', 'R 4.2.1 is new.']],
    [
      'Call t.test(x) to test. Also read.csv(file) reads.',
      ['Call t.test(x) to test.', 'Also read.csv(file) reads.'],
    ],
    ['See Fig. 2 for more. And Fig. 3. Done.', ['See Fig. 2 for more.', 'And Fig. 3.', 'Done.']],
    ['Assign with x <- c(1.5, 2). Now x is a vector.', ['Assign with x <- c(1.5, 2).', 'Now x is a vector.']],
    ['Dr. Smith came. Mr. Jones too.', ['Dr. Smith came.', 'Mr. Jones too.']],
    ['See Sect. 2.5 for missing values. See p. 17.', ['See Sect. 2.5 for missing values.', 'See p. 17.']],
    ['Lists end, etc. The next one starts.', ['Lists end, etc.', 'The next one starts.']],
  ])('%j', (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it('reads PDF line breaks inside a paragraph as spaces, keeping offsets into the text', () => {
    const text = 'A data frame is a list\nof vectors of equal length. It is\nlike a table.';
    const spans = sentenceSpans(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual([
      'A data frame is a list\nof vectors of equal length.',
      'It is\nlike a table.',
    ]);
  });

  it('leaves a list label or a bullet out of the sentence', () => {
    expect(sentences('4. The system directory is used. • Line types are set.')).toEqual([
      'The system directory is used.',
      'Line types are set.',
    ]);
  });
});
