import { describe, expect, it } from 'vitest';
import { readScopeWords } from './scope-words.js';

/** Whether PostgreSQL's case-insensitive match (`~*`) of `pattern` would accept `title` (same syntax here). */
const matches = (pattern: string, title: string) =>
  new RegExp(pattern.replaceAll('\\m', '\\b'), 'i').test(title);

const patternsOf = (q: string) => readScopeWords(q).focus?.sectionPatterns ?? [];

describe('scope words', () => {
  it('leaves a question that names no part alone', () => {
    expect(readScopeWords('What is a data frame?')).toEqual({
      query: 'What is a data frame?',
      focus: null,
      named: [],
    });
  });

  it('reads "chapter 5" as the titles of chapter 5 and its sections, and takes it out of the query', () => {
    const words = readScopeWords('In chapter 5, how are arrays indexed?');
    expect(words.query).toBe(', how are arrays indexed?');
    expect(words.named).toEqual(['In chapter 5']);
    const [p] = words.focus!.sectionPatterns!;
    for (const title of [
      '5 Arrays and matrices',
      '5.3 Index matrices',
      'Chapter 5: Arrays',
      'CHAPTER V',
      '5. Arrays',
    ]) {
      expect(matches(p!, title), title).toBe(true);
    }
    for (const title of ['15 Graphics', '50 ways', 'Vectors', 'Appendix 5', '2.5 Missing values']) {
      expect(matches(p!, title), title).toBe(false);
    }
  });

  it('reads roman numerals and ordinals as chapter numbers', () => {
    expect(matches(patternsOf('what does chapter IV say')[0]!, '4 Objects')).toBe(true);
    expect(matches(patternsOf('summarise the third chapter')[0]!, 'Chapter 3 Lists')).toBe(true);
  });

  it('reads "section 2.5" as that section and its subsections', () => {
    const [p] = patternsOf('What does section 2.5 say about NA?');
    for (const title of ['2.5 Missing values', 'Section 2.5 Missing values', '2.5.1 is.na', '§2.5 Missing']) {
      expect(matches(p!, title), title).toBe(true);
    }
    for (const title of ['2.50 Other', '12.5 Other', '2.6 Character vectors']) {
      expect(matches(p!, title), title).toBe(false);
    }
    expect(readScopeWords('what is in §2.5?').focus?.sectionPatterns).toHaveLength(1);
    expect(readScopeWords('chapter 2.5 please').focus?.sectionPatterns).toEqual(patternsOf('section 2.5'));
  });

  it('reads pages and page ranges (physical pages, as citations show them)', () => {
    expect(readScopeWords('What is on page 17?')).toMatchObject({
      query: 'What is ?',
      focus: { pages: [{ from: 17, to: 17 }] },
    });
    expect(readScopeWords('explain pp. 17-19').focus).toEqual({ pages: [{ from: 17, to: 19 }] });
    expect(readScopeWords('pages 3 to 5 and p. 9').focus).toEqual({
      pages: [
        { from: 3, to: 5 },
        { from: 9, to: 9 },
      ],
    });
    expect(readScopeWords('a 17 page essay').focus).toBeNull();
  });

  it('reads a section named by its title: "the summary chapter", "the section on data frames"', () => {
    const summary = readScopeWords('What are the key points of the summary chapter?');
    expect(summary.named).toEqual(['of the summary chapter']);
    expect(matches(summary.focus!.sectionPatterns![0]!, 'Chapter 9 Summary and outlook')).toBe(true);
    expect(matches(summary.focus!.sectionPatterns![0]!, 'Summaries of models')).toBe(true);
    expect(matches(summary.focus!.sectionPatterns![0]!, 'Introduction')).toBe(false);

    const frames = readScopeWords('What does the section on data frames say about attach?');
    expect(matches(frames.focus!.sectionPatterns![0]!, '6.3 Data frames')).toBe(true);
    expect(frames.query).toBe('What does say about attach?');

    expect(readScopeWords('What is the role of the summary chapter?').named).toEqual([
      'of the summary chapter',
    ]);
    expect(readScopeWords('what does the next chapter cover').focus).toBeNull();
    expect(readScopeWords('in the last section, what is x').focus).toBeNull();
  });

  describe('documents', () => {
    const docs = [
      { id: 'intro', fileName: 'R-intro.pdf' },
      { id: 'cells', fileName: 'Cell Biology.pdf' },
      { id: 'notes', fileName: 'notes.txt' },
      { id: 'lecture', fileName: 'lecture3.md' },
    ];

    it('reads a file name, and a name written as a file reference, and takes it out of the query', () => {
      expect(readScopeWords('In R-intro.pdf, what is a vector?', docs)).toMatchObject({
        query: ', what is a vector?',
        focus: { documentIds: ['intro'] },
      });
      expect(readScopeWords('what does the r-intro say about lists', docs)).toMatchObject({
        query: 'what does say about lists',
        focus: { documentIds: ['intro'] },
      });
      expect(readScopeWords('what does the R intro manual say about lists', docs).query).toBe(
        'what does say about lists',
      );
      expect(readScopeWords('summarise lecture3', docs).focus).toEqual({ documentIds: ['lecture'] });
    });

    it('reads a document named by the words of its title, and takes the name out of the query', () => {
      expect(readScopeWords('What does cell biology say about mitosis?', docs)).toEqual({
        query: 'What does say about mitosis?',
        focus: { documentIds: ['cells'] },
        named: ['cell biology'],
      });
      const single = [{ id: 'gp', fileName: 'gnuplot.pdf' }];
      expect(readScopeWords('How do I write a comment in a gnuplot script?', single)).toEqual({
        query: 'How do I write a comment in a script?',
        focus: { documentIds: ['gp'] },
        named: ['gnuplot'],
      });
      expect(readScopeWords('How do I zoom in gnuplot?', single).query).toBe('How do I zoom ?');
    });

    it('keeps a one-word name in the query when the question asks about little else', () => {
      const single = [{ id: 'gp', fileName: 'gnuplot.pdf' }];
      for (const question of ['What is gnuplot?', 'Tell me about gnuplot']) {
        expect(readScopeWords(question, single)).toEqual({
          query: question,
          focus: { documentIds: ['gp'] },
          named: ['gnuplot'],
        });
      }
    });

    it('ignores names too ordinary to tell apart from a question', () => {
      expect(readScopeWords('what do my notes say about mitosis', docs).focus).toBeNull();
    });

    it('combines a document and a chapter', () => {
      const words = readScopeWords('In chapter 2 of R-intro.pdf, what is a vector?', docs);
      expect(words.focus).toEqual({ sectionPatterns: [expect.any(String)], documentIds: ['intro'] });
      expect(words.query).toBe(', what is a vector?');
    });
  });
});
