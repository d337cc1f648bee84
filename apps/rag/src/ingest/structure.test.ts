import { describe, expect, it } from 'vitest';
import {
  DOCX_HEADINGS,
  docx,
  largePdf,
  STRUCTURED_PDF,
  structuredPdf,
  WORKED_EXAMPLES_PDF,
  workedExamplesPdf,
} from '@classchat/testkit';
import { pagePositionOf, spanOnFirstPageOf } from '../citations/source-map.js';
import { chunkDocument, type Chunk } from './chunker.js';
import { parseDocument, type ParsedDocument } from './parse.js';
import { outlineOf } from './structure/sections.js';

/** The structured reader parsed and chunked (with or without its bookmarks). */
async function reader(outline: boolean): Promise<{ parsed: ParsedDocument; chunks: Chunk[] }> {
  const fixture = await structuredPdf({ outline });
  const parsed = await parseDocument('application/pdf', fixture.bytes, { maxPages: 50 });
  return { parsed, chunks: chunkDocument(parsed) };
}

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Every non-whitespace character of every chunk is, through its source map, the same character of
 * the raw page text (whitespace may be normalised: a line break read as a space, a blank line
 * between blocks); and `charStart..charEnd` covers the chunk's part on its first page.
 */
function expectExactMapping(pages: readonly string[], chunks: readonly Chunk[]): void {
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.text.length; i++) {
      const ch = chunk.text[i]!;
      if (/\s/.test(ch)) continue;
      const at = pagePositionOf(chunk, i);
      if (pages[at.page - 1]![at.offset] !== ch) {
        throw new Error(
          `chunk ${chunk.chunkIndex} char ${i} ${JSON.stringify(ch)} maps to page ${at.page} offset ` +
            `${at.offset} ${JSON.stringify(pages[at.page - 1]![at.offset])}`,
        );
      }
    }
    const whole = spanOnFirstPageOf(chunk, 0, chunk.text.length);
    expect(whole).toMatchObject({ page: chunk.pageStart, charStart: chunk.charStart });
    if (chunk.pageEnd === chunk.pageStart) expect(whole.charEnd).toBe(chunk.charEnd);
    else expect(chunk.charEnd).toBeLessThanOrEqual(whole.charEnd);
  }
}

describe('reading a typeset PDF', () => {
  it.each([true, false])(
    'leaves running headers and footers out of every chunk (outline: %s)',
    async (outline) => {
      const { parsed, chunks } = await reader(outline);
      const raw = flat(parsed.pages.join('\n'));
      for (const line of STRUCTURED_PDF.furniture) {
        // The raw text (what the viewer shows) has them; what is indexed and quoted does not.
        expect(raw).toContain(line.replace(/ (\d+)$/, '').replace(/^(\d+) /, ''));
        for (const chunk of chunks) {
          const text = flat(chunk.text);
          expect(text).not.toContain(line);
          expect(text).not.toContain(line.replace(/ (\d+)$/, '').replace(/^(\d+) /, ''));
        }
      }
      expect(chunks.some((c) => /\bPage \d of 8\b/.test(c.text))).toBe(false);
    },
  );

  it('joins words hyphenated at line ends, also across a page break, and keeps a compound’s hyphen', async () => {
    const { parsed, chunks } = await reader(true);
    const raw = parsed.pages.join('\n');
    expect(raw).toContain('corre-\nsponding');
    const text = chunks.map((c) => flat(c.text)).join('\n');
    for (const word of STRUCTURED_PDF.hyphenated) expect(text).toContain(word);
    for (const half of STRUCTURED_PDF.brokenHalves) expect(text).not.toContain(half);
    const crossing = chunks.find((c) => c.text.includes('how many elements a vector has'))!;
    expect([crossing.pageStart, crossing.pageEnd]).toEqual([5, 6]);
  });

  it('keeps a code block’s lines and indentation', async () => {
    const { chunks } = await reader(true);
    for (const code of STRUCTURED_PDF.code) {
      expect(chunks.some((c) => c.text.includes(code.join('\n')))).toBe(true);
    }
  });

  it('marks the contents and index pages, and only them', async () => {
    const { parsed, chunks } = await reader(true);
    const kindOf = (page: number) => parsed.pageKinds[page - 1];
    expect(STRUCTURED_PDF.tocPages.map(kindOf)).toEqual(['toc']);
    expect(STRUCTURED_PDF.indexPages.map(kindOf)).toEqual(['index']);
    expect(parsed.pageKinds.filter((k) => k === 'body')).toHaveLength(6);
    for (const c of chunks) {
      const expected = c.pageStart === 2 ? 'toc' : c.pageStart === 8 ? 'index' : 'body';
      expect(c.pageKind).toBe(expected);
    }
    // Entries keep their lines; dot leaders are not text anyone quotes.
    const toc = chunks.find((c) => c.pageKind === 'toc')!.text;
    expect(toc).toContain('1.2 First steps 4\n2 Data 5\n2.1 Vectors 5\n2.5 Missing values 6');
    expect(toc).not.toContain('...');
  });

  it('takes sections from the outline: each chunk’s section path and the section’s pages', async () => {
    const { parsed, chunks } = await reader(true);
    expect(outlineOf(parsed.sections)).toEqual(STRUCTURED_PDF.outline);
    for (const { phrase, path, pages } of STRUCTURED_PDF.sections) {
      const chunk = chunks.find((c) => flat(c.text).includes(phrase));
      expect(chunk, phrase).toBeDefined();
      expect(chunk).toMatchObject({
        sectionPath: path,
        sectionPageStart: pages[0],
        sectionPageEnd: pages[1],
      });
    }
    // Sections start new chunks: no chunk holds text of two sections.
    const missing = chunks.find((c) => c.text.includes('A missing value is written NA'))!;
    expect(missing.text).not.toContain('never a mixture');
    expect(missing.text.startsWith('2.5 Missing values\n\n')).toBe(true);
  });

  it('detects numbered headings as sections when the PDF has no outline', async () => {
    const { parsed, chunks } = await reader(false);
    const outline = outlineOf(parsed.sections);
    for (const entry of STRUCTURED_PDF.outline) expect(outline).toContainEqual(entry);
    for (const { phrase, path, pages } of STRUCTURED_PDF.sections) {
      const chunk = chunks.find((c) => flat(c.text).includes(phrase))!;
      expect(chunk.sectionPath).toEqual(path);
      expect([chunk.sectionPageStart, chunk.sectionPageEnd]).toEqual(pages);
    }
  });

  it.each([true, false])(
    'maps every chunk character back to the raw page text exactly (outline: %s)',
    async (outline) => {
      const { parsed, chunks } = await reader(outline);
      expect(chunks.some((c) => c.sourceMap)).toBe(true);
      expectExactMapping(parsed.pages, chunks);
    },
  );

  it('maps a generated course reader exactly, one chunk per page, no structure invented', async () => {
    const fixture = await largePdf(12);
    const parsed = await parseDocument('application/pdf', fixture.bytes, { maxPages: 50 });
    const chunks = chunkDocument(parsed);
    expectExactMapping(parsed.pages, chunks);
    expect(chunks.map((c) => [c.pageStart, c.pageEnd])).toEqual(parsed.pages.map((_, i) => [i + 1, i + 1]));
    expect(parsed.pageKinds.every((k) => k === 'body')).toBe(true);
  });
});

describe('reading a manual that names code in prose and prints worked examples', () => {
  async function manual(): Promise<{ parsed: ParsedDocument; chunks: Chunk[] }> {
    const fixture = await workedExamplesPdf();
    const parsed = await parseDocument('application/pdf', fixture.bytes, { maxPages: 50 });
    return { parsed, chunks: chunkDocument(parsed) };
  }

  it('joins a code name hyphenated at a line end of prose whose names are in a fixed-pitch font', async () => {
    const { parsed, chunks } = await manual();
    expect(parsed.pages[0]).toContain('idealfac-');
    const text = chunks.map((c) => flat(c.text)).join('\n');
    for (const name of WORKED_EXAMPLES_PDF.joinedNames) expect(text).toContain(name);
    for (const broken of WORKED_EXAMPLES_PDF.brokenNames)
      expect(text).not.toMatch(new RegExp(`${broken}\\s`));
    expectExactMapping(parsed.pages, chunks);
  });

  it('keeps a result printed at the foot of a page whose number is in its header', async () => {
    const { chunks } = await manual();
    for (const [i, result] of WORKED_EXAMPLES_PDF.results.entries()) {
      const page = i + 1;
      const onPage = chunks.filter((c) => c.pageStart <= page && page <= c.pageEnd).map((c) => c.text);
      expect(onPage.join('\n'), `page ${page}`).toMatch(new RegExp(`\\(%o${page}\\)\\s+${result}\\b`));
      // The printed page number stays out.
      expect(onPage.join('\n')).not.toMatch(new RegExp(`\\b${WORKED_EXAMPLES_PDF.printedPage(page)}\\b`));
    }
  });
});

describe('sections of Word and Markdown documents', () => {
  it('takes a DOCX’s heading styles as sections', async () => {
    const fixture = await docx();
    const parsed = await parseDocument(fixture.mimeType!, fixture.bytes, { maxPages: 5 });
    expect(outlineOf(parsed.sections)).toEqual([
      { title: DOCX_HEADINGS[0], level: 1, pageStart: 1, pageEnd: 1 },
      { title: DOCX_HEADINGS[1], level: 2, pageStart: 1, pageEnd: 1 },
      { title: DOCX_HEADINGS[2], level: 2, pageStart: 1, pageEnd: 1 },
    ]);
    const chunks = chunkDocument(parsed, { maxTokens: 40, minTokensAtPageBreak: 0 });
    const meiosis = chunks.find((c) => c.text.includes('four haploid gametes'))!;
    expect(meiosis.sectionPath).toEqual([DOCX_HEADINGS[0], 'Meiosis']);
    const mitosis = chunks.find((c) => c.text.includes('metaphase plate'))!;
    expect(mitosis.sectionPath).toEqual([DOCX_HEADINGS[0], 'Mitosis']);
    for (const c of chunks) {
      expect(parsed.pages[0]!.slice(c.charStart, c.charEnd)).toBe(c.text);
      expect(c.sourceMap).toBeNull();
    }
  });

  it('takes Markdown # headings as sections, never a # inside fenced code', async () => {
    const md = [
      '# Statistics notes',
      '',
      'Intro paragraph about the course.',
      '',
      '## Means',
      '',
      'The mean is the sum divided by the count.',
      '',
      '```r',
      '# compute a mean',
      'mean(c(1, 2, 3))',
      '```',
      '',
      '### Trimmed means',
      '',
      'A trimmed mean drops the extremes first.',
      '',
      '## Medians',
      '',
      'The median is the middle value.',
      '',
    ].join('\n');
    const parsed = await parseDocument('text/markdown', Buffer.from(md), { maxPages: 5 });
    expect(outlineOf(parsed.sections).map((e) => [e.level, e.title])).toEqual([
      [1, 'Statistics notes'],
      [2, 'Means'],
      [3, 'Trimmed means'],
      [2, 'Medians'],
    ]);
    const chunks = chunkDocument(parsed);
    const pathOf = (phrase: string) => chunks.find((c) => c.text.includes(phrase))!.sectionPath;
    expect(pathOf('# compute a mean\nmean(c(1, 2, 3))')).toEqual(['Statistics notes', 'Means']);
    expect(pathOf('drops the extremes')).toEqual(['Statistics notes', 'Means', 'Trimmed means']);
    expect(pathOf('middle value')).toEqual(['Statistics notes', 'Medians']);
    for (const c of chunks) expect(md.slice(c.charStart, c.charEnd)).toBe(c.text);
  });
});
