import { describe, expect, it } from 'vitest';
import { deepOutlinePdf, sameLinePagesPdf } from '@classchat/testkit';
import { chunkDocument } from './chunker.js';
import { MAX_OUTLINE_DEPTH, parseDocument } from './parse.js';

describe("a PDF's outline", () => {
  it(`keeps the first ${MAX_OUTLINE_DEPTH} levels of an outline nested deeper, so no passage carries hundreds of titles`, async () => {
    const pdf = deepOutlinePdf({ depth: 300 });
    const parsed = await parseDocument(pdf.mimeType, pdf.bytes, { maxPages: 10 });
    expect(parsed.pages).toEqual(['The mitochondrion makes ATP.']);
    expect(parsed.sections.map((s) => s.level)).toEqual(
      Array.from({ length: MAX_OUTLINE_DEPTH }, (_, i) => i + 1),
    );
    expect(parsed.sections.at(-1)?.title).toBe(`Chapter ${MAX_OUTLINE_DEPTH}`);
  });
});

describe('a PDF whose every page holds the same one line', () => {
  it('is read as that line on every page, not set aside as a running header', async () => {
    const pdf = sameLinePagesPdf({ pages: 30, line: 'The ribosome makes proteins.' });
    const parsed = await parseDocument(pdf.mimeType, pdf.bytes, { maxPages: 50 });
    expect(parsed.blocks.map((b) => [b.page, b.text])).toEqual(
      Array.from({ length: 30 }, (_, i) => [i + 1, 'The ribosome makes proteins.']),
    );
    expect(chunkDocument(parsed).length).toBeGreaterThan(0);
  });
});

describe('a text file with stray NUL bytes', () => {
  it('is read with the NULs removed (PostgreSQL text cannot hold them)', async () => {
    const bytes = Buffer.from('# Cells\n\nThe ribosome\u0000 makes protein.\u0000\n');
    const parsed = await parseDocument('text/markdown', bytes, { maxPages: 1 });
    expect(parsed.pages).toEqual(['# Cells\n\nThe ribosome makes protein.\n']);
    expect(chunkDocument(parsed).every((c) => !c.text.includes('\u0000'))).toBe(true);
  });
});
