import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { largePdf } from '@classchat/testkit';
import { chunkPages, splitUnits, type Chunk } from './chunker.js';
import { pagesStructure } from './structure/text-formats.js';

/** A page of `sentences` generated sentences (~12 words each), paragraphs of 5 sentences. */
function page(seed: number, sentences: number): string {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const words = 'cell energy membrane protein enzyme gradient pathway signal molecule structure'.split(' ');
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const sentence = Array.from({ length: 12 }, () => words[Math.floor(random() * words.length)]!).join(' ');
    out.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)} number ${seed}-${s}.`);
    if (s % 5 === 4) out.push('\n\n');
  }
  return out.join(' ').replace(/ \n\n /g, '\n\n');
}

/** The chunk's part on `pageStart`, which must be the page's text at `charStart..charEnd` exactly. */
function expectOffsetsMapBack(pages: string[], chunk: Chunk): void {
  const onFirstPage = pages[chunk.pageStart - 1]!.slice(chunk.charStart, chunk.charEnd);
  if (chunk.pageStart === chunk.pageEnd) expect(chunk.text).toBe(onFirstPage);
  else expect(chunk.text.startsWith(`${onFirstPage}\n\n`)).toBe(true);
}

describe('chunker', () => {
  it('keeps a short page as one chunk whose offsets are the trimmed page text', () => {
    const pages = ['  \nHello world. This is page one.\n\n'];
    const [chunk, ...rest] = chunkPages(pages);
    expect(rest).toEqual([]);
    expect(chunk).toMatchObject({
      pageStart: 1,
      pageEnd: 1,
      charStart: 3,
      text: 'Hello world. This is page one.',
    });
    expectOffsetsMapBack(pages, chunk!);
    expect(chunk!.tokenCount).toBe(countTokens(chunk!.text));
  });

  it('splits long pages into chunks of at most 800 tokens, mostly 480+, ending at paragraph ends', () => {
    const pages = [page(1, 300), page(2, 250)];
    const chunks = chunkPages(pages);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(800);
    const full = chunks.filter((c, i) => chunks[i + 1]?.pageStart === c.pageStart);
    for (const c of full) expect(c.tokenCount).toBeGreaterThanOrEqual(480);
    for (let i = 0; i + 1 < chunks.length; i++) {
      const [a, b] = [chunks[i]!, chunks[i + 1]!];
      if (b.pageStart !== a.pageStart) continue; // a page break: no overlap across it
      // A full chunk ends where a paragraph ends (the next starts the next paragraph, no overlap).
      expect(pages[a.pageStart - 1]!.slice(a.charEnd, b.charStart)).toMatch(/^\s*\n\s*\n\s*$/);
    }
  });

  it('ends a chunk between sentences, repeating ~15% of it, when a paragraph is too long to keep whole', () => {
    const text = page(7, 120).replace(/\n\n/g, ' ');
    const chunks = chunkPages([text]);
    expect(chunks.length).toBeGreaterThan(1);
    for (let i = 0; i + 1 < chunks.length; i++) {
      const [a, b] = [chunks[i]!, chunks[i + 1]!];
      expect(a.text).toMatch(/\.$/);
      expect(b.charStart).toBeLessThan(a.charEnd);
      const overlap = countTokens(text.slice(b.charStart, a.charEnd));
      expect(overlap / a.tokenCount).toBeGreaterThan(0.08);
      expect(overlap / a.tokenCount).toBeLessThanOrEqual(0.2);
    }
  });

  it('maps every chunk back to its page text exactly, and covers every sentence', () => {
    const pages = [page(3, 120), '', page(4, 7), page(5, 90)];
    const chunks = chunkPages(pages);
    chunks.forEach((c, i) => {
      expect(c.chunkIndex).toBe(i);
      expectOffsetsMapBack(pages, c);
    });
    for (const [b, block] of pagesStructure(pages).blocks.entries()) {
      for (const unit of splitUnits(block, b, 1200)) {
        const sentence = block.text.slice(unit.start, unit.end);
        expect(
          chunks.some((c) => c.pageStart <= unit.page && unit.page <= c.pageEnd && c.text.includes(sentence)),
        ).toBe(true);
      }
    }
  });

  it('does not cross a page boundary when the page holds enough text, and starts each page afresh', async () => {
    const pages = (await largePdf(6)).expected.pages;
    const chunks = chunkPages(pages);
    expect(chunks.map((c) => [c.pageStart, c.pageEnd])).toEqual(pages.map((_, i) => [i + 1, i + 1]));
    chunks.forEach((c, i) => expect(c.text.startsWith(`Section ${i + 1}:`)).toBe(true));
  });

  it('lets a small remainder span into the next page instead of standing alone', () => {
    const pages = ['Chapter 7', page(6, 20)];
    const chunks = chunkPages(pages);
    expect(chunks[0]).toMatchObject({ pageStart: 1, pageEnd: 2, charStart: 0, charEnd: 'Chapter 7'.length });
    expect(chunks[0]!.text.startsWith('Chapter 7\n\n')).toBe(true);
    expect(chunks[0]!.text.endsWith(pages[1]!.trimEnd().slice(-30))).toBe(true);
    expectOffsetsMapBack(pages, chunks[0]!);
  });

  it('cuts a sentence with no punctuation at whitespace, never inside a word or surrogate pair', () => {
    const text = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? '🧬' : `word${i}`)).join(' ');
    const chunks = chunkPages([text]);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(800);
      expectOffsetsMapBack([text], c);
      expect(/^\S/.test(c.text) && /\S$/.test(c.text)).toBe(true);
      expect(text[c.charStart - 1] === undefined || text[c.charStart - 1] === ' ').toBe(true);
    }
    const unbroken = 'x'.repeat(5000);
    for (const c of chunkPages([unbroken])) expectOffsetsMapBack([unbroken], c);
  });

  it('yields nothing for blank pages', () => {
    expect(chunkPages(['', '  \n\n ', '\t'])).toEqual([]);
  });
});
