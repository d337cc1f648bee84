import { describe, expect, it } from 'vitest';
import { findFurniture, type FurniturePage } from './furniture.js';
import type { PdfLine } from './lines.js';

const line = (text: string, y: number, size = 10): PdfLine => ({
  text,
  map: [],
  page: 1,
  x0: 72,
  x1: 72 + text.length * 5,
  y,
  size,
  font: 'F1',
  mono: false,
  charWidth: 0,
  eol: -1,
});
const page = (...lines: PdfLine[]): FurniturePage => ({ lines, top: 792, bottom: 0 });
const HEADER_Y = 760;
const BODY_Y = 400;
/** Per page, the texts of the lines found to be furniture. */
const furnitureOf = (pages: FurniturePage[]) =>
  findFurniture(pages, 10).map((found, p) => [...found].map((i) => pages[p]!.lines[i]!.text));

describe('running headers and footers', () => {
  it('are lines that repeat beside the text of the page', () => {
    const pages = Array.from({ length: 8 }, (_, i) =>
      page(line('Cell Biology notes', HEADER_Y), line(`Body text of page ${i + 1}.`, BODY_Y)),
    );
    expect(furnitureOf(pages)).toEqual(pages.map(() => ['Cell Biology notes']));
  });

  it('never takes the whole text of a page, even when every page holds the same one line', () => {
    const pages = Array.from({ length: 30 }, () => page(line('The ribosome makes proteins.', 720)));
    expect(furnitureOf(pages)).toEqual(pages.map(() => []));
  });

  it('needs pages with other text to show a line is running: the same line over a page number on every page stays', () => {
    const pages = Array.from({ length: 30 }, (_, i) =>
      page(line('The ribosome makes proteins.', 720), line(String(i + 1), 30)),
    );
    expect(furnitureOf(pages)).toEqual(pages.map((_, i) => [String(i + 1)]));
  });

  it('still drops a running header from a page holding only it and the page number', () => {
    const body = Array.from({ length: 8 }, (_, i) =>
      page(line('Cell Biology notes', HEADER_Y), line(`Body text ${i + 1}.`, BODY_Y), line(`${i + 1}`, 30)),
    );
    const blank = page(line('Cell Biology notes', HEADER_Y), line('9', 30));
    expect(furnitureOf([...body, blank]).at(-1)).toEqual(['Cell Biology notes', '9']);
  });
});
