import { describe, expect, it } from 'vitest';
import { deepOutlinePdf } from '@classchat/testkit';
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
