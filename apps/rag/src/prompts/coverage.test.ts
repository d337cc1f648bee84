import { describe, expect, it } from 'vitest';
import { noMaterialAnswer, notCoveredAnswer, sectionLabel, type MaterialDocument } from './coverage.js';

const doc = (fileName: string, status: MaterialDocument['status'], error: string | null = null) => ({
  fileName,
  status,
  error,
});

describe('the "no material" answer', () => {
  it('says a document is still processing and will be ready in a few seconds', () => {
    expect(noMaterialAnswer([doc('week 1.pdf', 'processing')], 'class')).toMatch(
      /^“week 1\.pdf” is still processing — ready in a few seconds\. Ask again once it shows as ready/,
    );
    expect(noMaterialAnswer([doc('a.pdf', 'uploaded'), doc('b.pdf', 'processing')], 'all')).toMatch(
      /^“a\.pdf” and “b\.pdf” are still processing/,
    );
  });

  it('says why a document could not be read', () => {
    expect(
      noMaterialAnswer([doc('scan.pdf', 'failed', 'The PDF has no extractable text.')], 'class'),
    ).toMatch(
      /^I could not read “scan\.pdf” \(The PDF has no extractable text\), so there is nothing to answer from yet\./,
    );
  });

  it('asks for material when there is none, naming where the student asked', () => {
    expect(noMaterialAnswer([], 'class')).toMatch(/^This class has no documents yet\. Upload/);
    expect(noMaterialAnswer([], 'all')).toMatch(/^You have not uploaded any course material yet\./);
  });
});

describe('the "not covered" answer', () => {
  const section = {
    fileName: 'R-intro.pdf',
    pageStart: 28,
    pageEnd: 28,
    sectionPath: ['6 Lists and data frames', '6.3 Data frames'],
    sectionPageStart: 27,
    sectionPageEnd: 29,
  };

  it('says plainly that the material does not seem to cover it and lists the closest sections, cited', () => {
    const text = notCoveredAnswer({
      closest: [section, { ...section, sectionPath: [], pageStart: 40, pageEnd: 41 }],
      named: [],
      processing: [],
    });
    expect(text).toBe(
      'Your material does not seem to cover this. I found no passage that answers it, so I will not guess.\n\n' +
        'The closest sections, in case the answer is there in other words:\n' +
        '- **6.3 Data frames** — R-intro.pdf, pages 27–29 【1】\n' +
        '- R-intro.pdf, pages 40–41 【2】',
    );
  });

  it('names the part of the material the question asked about, and documents still processing', () => {
    const text = notCoveredAnswer({
      closest: [],
      named: ['in chapter 5', 'of the summary chapter'],
      processing: [doc('week 2.pdf', 'processing')],
    });
    expect(text).toMatch(
      /^Your material does not seem to cover this \(I looked at chapter 5, the summary chapter\)\./,
    );
    expect(text).not.toMatch(/closest sections/);
    expect(text).toMatch(/“week 2\.pdf” is still processing; ask again once it is ready\.$/);
  });

  it('labels a section by its title and pages', () => {
    expect(sectionLabel(section)).toBe('**6.3 Data frames** — R-intro.pdf, pages 27–29');
    expect(sectionLabel({ ...section, sectionPageStart: null })).toBe(
      '**6.3 Data frames** — R-intro.pdf, page 28',
    );
  });
});
