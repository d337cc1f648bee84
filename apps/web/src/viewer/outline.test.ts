import type { OutlineEntry } from '@classchat/contracts';
import { describe, expect, it } from 'vitest';
import { sectionLabel, sectionPathAt, sectionTitleFor } from './outline.js';

const outline: OutlineEntry[] = [
  { title: 'Contents', level: 1, pageStart: 2, pageEnd: 3 },
  { title: '1 Introduction', level: 1, pageStart: 4, pageEnd: 9 },
  { title: '2 Data', level: 1, pageStart: 10, pageEnd: 30 },
  { title: '2.4 Lists', level: 2, pageStart: 14, pageEnd: 16 },
  { title: '2.5 Missing values', level: 2, pageStart: 17, pageEnd: 19 },
  { title: '2.5.1 NA and NaN', level: 3, pageStart: 18, pageEnd: 18 },
  { title: 'Appendix B Invoking R', level: 1, pageStart: 31, pageEnd: 40 },
];

const titles = (page: number) => sectionPathAt(outline, page).map((e) => e.title);

describe('sectionPathAt', () => {
  it('is the sections a page lies in, outermost first', () => {
    expect(titles(17)).toEqual(['2 Data', '2.5 Missing values']);
    expect(titles(18)).toEqual(['2 Data', '2.5 Missing values', '2.5.1 NA and NaN']);
    expect(titles(5)).toEqual(['1 Introduction']);
    expect(titles(35)).toEqual(['Appendix B Invoking R']);
  });

  it('leaves out a subsection that has ended before the page', () => {
    expect(titles(20)).toEqual(['2 Data']);
  });

  it('is empty before the first section and for a document without an outline', () => {
    expect(titles(1)).toEqual([]);
    expect(sectionPathAt([], 5)).toEqual([]);
  });
});

describe('sectionLabel', () => {
  it('reads a numbered title as a section, and leaves a title that names itself alone', () => {
    expect(sectionLabel('2.5 Missing values', 17)).toBe('Section 2.5 Missing values · p. 17');
    expect(sectionLabel('Appendix B Invoking R', 92)).toBe('Appendix B Invoking R · p. 92');
  });
});

describe('sectionTitleFor', () => {
  it("takes the citation's innermost section, else the outline's section of the page", () => {
    expect(sectionTitleFor(17, ['2 Data', '2.5 Missing values'], null)).toBe('2.5 Missing values');
    expect(sectionTitleFor(18, undefined, outline)).toBe('2.5.1 NA and NaN');
    expect(sectionTitleFor(18, [], outline)).toBe('2.5.1 NA and NaN');
    expect(sectionTitleFor(18, null, null)).toBeNull();
  });
});
