import { describe, expect, it } from 'vitest';
import { countSplits, sentenceSplits, type SplitBlock } from './sentence-splits.js';

const p = (text: string, page = 1): SplitBlock => ({ kind: 'paragraph', page, text });
const code = (text: string, page = 1): SplitBlock => ({ kind: 'lines', page, text });

describe('counting sentences cut across blocks', () => {
  it('counts a paragraph that stops mid-sentence before one that goes on in lower case', () => {
    const splits = sentenceSplits(
      [p('It can be changed by typing default(seriesprecision,'), p('n) where n is …')],
      ['body'],
    );
    expect(splits.map((s) => s.kind)).toEqual(['paragraph']);
  });

  it('counts a one-line command between the halves of a sentence, or closing it', () => {
    const blocks = [
      p('Install it by running the command'),
      code('make install'),
      p('in the build directory.'),
      p('Then run'),
      code('make check.'),
      p('It takes a minute.'),
    ];
    expect(countSplits(sentenceSplits(blocks, ['body']))).toEqual({
      paragraph: 0,
      inlineCode: 2,
      afterCode: 0,
    });
  });

  it('reports prose going on after a listing apart, and counts nothing for ended sentences or contents pages', () => {
    const listing = [p('The loop'), code('for (i = 0; i < n; i++)\n  f(i);'), p('calls f n times.')];
    expect(countSplits(sentenceSplits(listing, ['body']))).toEqual({
      paragraph: 0,
      inlineCode: 0,
      afterCode: 1,
    });
    expect(sentenceSplits([p('A sentence.'), p('and more')], ['body'])).toEqual([]);
    expect(sentenceSplits([p('1 Introduction'), p('getting started 3')], ['toc'])).toEqual([]);
  });
});
