import { describe, expect, it } from 'vitest';
import { locatePassage, normalizeForSearch } from './highlight.js';

// Text items as pdf.js yields them: one per line run, no trailing spaces, hyphen-free.
const items = [
  'Chapter 4',
  'An eigenvector of a square matrix A is a nonzero',
  'vector v such that Av = λv for some scalar λ.',
  'The scalar λ is called an eigenvalue.',
];

function highlighted(pieces: string[], ranges: ReturnType<typeof locatePassage>): string {
  return ranges.map((r) => pieces[r.piece]!.slice(r.start, r.end)).join('|');
}

describe('locatePassage', () => {
  it('finds a snippet that spans text items, ignoring case and whitespace differences', () => {
    const ranges = locatePassage(items, {
      snippet: 'an eigenvector of a square matrix A is a nonzero\n   vector v such that Av = λv',
    });
    expect(highlighted(items, ranges)).toBe(
      'An eigenvector of a square matrix A is a nonzero|vector v such that Av = λv',
    );
    expect(ranges.map((r) => r.piece)).toEqual([1, 2]);
  });

  it('ignores a trailing ellipsis on a truncated snippet', () => {
    const ranges = locatePassage(items, { snippet: 'The scalar λ is called…' });
    expect(highlighted(items, ranges)).toBe('The scalar λ is called');
  });

  it('anchors on the first words when the end of the snippet differs from the page text', () => {
    const ranges = locatePassage(items, {
      snippet: 'An eigenvector of a square matrix A is a nonzero vector w with different wording here',
    });
    expect(ranges[0]).toEqual({ piece: 1, start: 0, end: items[1]!.length });
    expect(ranges.length).toBeGreaterThan(1);
  });

  it('anchors on the last words when the passage began on the previous page', () => {
    const ranges = locatePassage(items, {
      snippet: 'text from the previous page continues: The scalar λ is called an eigenvalue.',
    });
    expect(ranges.at(-1)).toEqual({ piece: 3, start: expect.any(Number) as number, end: items[3]!.length });
  });

  it('falls back to the char offsets when the snippet is not on the page', () => {
    const text = ['0123456789', 'abcdefghij'];
    const ranges = locatePassage(text, { snippet: 'nowhere to be found at all', charStart: 8, charEnd: 13 });
    expect(highlighted(text, ranges)).toBe('89|abc');
  });

  it('returns nothing when neither snippet nor offsets locate the passage', () => {
    expect(locatePassage(items, { snippet: 'completely unrelated words here' })).toEqual([]);
    expect(locatePassage(items, {})).toEqual([]);
  });

  it('works on one whole text document', () => {
    const doc = '# Week 1\n\nNewton’s second law:   F = ma.\nForce equals mass times acceleration.';
    const [range] = locatePassage([doc], { snippet: 'Newton’s second law: F = ma. Force equals' });
    expect(doc.slice(range!.start, range!.end)).toBe('Newton’s second law:   F = ma.\nForce equals');
  });

  it('normalizes for search', () => {
    expect(normalizeForSearch('  Hello\n\tWorld…  ')).toBe('hello world');
  });
});
