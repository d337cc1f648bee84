import { describe, expect, it } from 'vitest';
import { holdsBreak, hyphenBreaks, outlineFound, tocPages } from './structure.js';

const page = (n: number, lines: string[]) => ({
  page: n,
  lines: lines.map((text, i) => ({ text, y: 800 - i * 12 })),
});

describe('hyphen-break ground truth', () => {
  it('keeps breaks whose joined word occurs elsewhere, not real compounds or unknown joins', () => {
    const pages = [
      page(1, ['the corre-', 'sponding value and a non-', 'free program', 'a half-', 'baked idea']),
      page(2, ['the corresponding entry of non-free software, halfbaked']),
    ];
    expect(hyphenBreaks(pages)).toEqual([
      { page: 1, first: 'corre', second: 'sponding' },
      { page: 1, first: 'half', second: 'baked' },
    ]);
  });

  it('finds a break left split in a chunk across any whitespace, and not once it is joined', () => {
    const b = { first: 'corre', second: 'sponding' };
    expect(holdsBreak('the corre-\nsponding value', b)).toBe(true);
    expect(holdsBreak('the corre- sponding value', b)).toBe(true);
    expect(holdsBreak('the corresponding value', b)).toBe(false);
  });
});

describe('TOC pages and the outline', () => {
  it('marks pages with at least five dot-leader lines ending in a page number', () => {
    const toc = page(3, ['Contents', ...[1, 2, 3, 4, 5].map((n) => `${n} Chapter . . . . . . ${n * 10}`)]);
    const body = page(4, ['Some text.', 'Etc. . . . and 4 dots . . . . here', 'x']);
    expect(tocPages([toc, body])).toEqual([3]);
  });

  it('counts outline entries stored with the same title (section numbers aside) and start page', () => {
    const pdf = [
      { title: '6.3 Data frames', level: 2, page: 17 },
      { title: 'Lists', level: 2, page: 15 },
      { title: 'Unresolved', level: 1, page: null },
    ];
    expect(
      outlineFound(pdf, [
        { title: 'Data  Frames', pageStart: 17 },
        { title: 'Lists', pageStart: 16 },
      ]),
    ).toBe(1);
    expect(outlineFound(pdf, [])).toBe(0);
  });
});
