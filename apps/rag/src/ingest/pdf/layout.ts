import { cleanTitle, withPageRanges, type SectionStart } from '../structure/sections.js';
import type { DocumentStructure, TextBlock } from '../structure/types.js';
import {
  joinRunningText,
  numberingDepth,
  pageBlocks,
  vocabularyOf,
  type LayoutBlock,
  type TextStats,
  type Vocabulary,
} from './blocks.js';
import { findFurniture } from './furniture.js';
import type { PdfLine } from './lines.js';
import { classifyPage } from './page-kind.js';

/** A page's lines (`pageLines`) and its box's top and bottom edges. */
export interface LinedPage {
  lines: PdfLine[];
  top: number;
  bottom: number;
}

/** A PDF outline (bookmark) entry resolved to its destination. */
export interface OutlineTarget {
  title: string;
  /** Depth in the outline tree, 1 = top level. */
  level: number;
  /** 1-based physical page. */
  page: number;
  /** The destination's top edge on that page, when the bookmark names one. */
  top: number | null;
}

/**
 * A PDF's reading structure from its pages' text items: lines; running headers and footers set
 * aside; contents and index pages marked; headings, paragraphs and code blocks; paragraphs that run
 * on over a page break joined; sections from the outline when it has at least two entries, else
 * from detected headings.
 */
export function pdfStructure(
  pages: readonly LinedPage[],
  outline: readonly OutlineTarget[],
): DocumentStructure {
  const allLines = pages.map((page) => page.lines);
  const stats = textStats(allLines);
  const furniture = findFurniture(
    allLines.map((lines, i) => ({ lines, top: pages[i]!.top, bottom: pages[i]!.bottom })),
    stats.bodySize,
  );
  const kept = allLines.map((lines, p) => lines.filter((_, i) => !furniture[p]!.has(i)));
  const pageKinds = kept.map((lines, p) =>
    classifyPage(
      lines.map((l) => l.text),
      p + 1,
      pages.length,
    ),
  );
  const vocabulary = vocabularyOf(kept.flat());
  const perPage = kept.map((lines, p) =>
    lines.length === 0 ? [] : pageBlocks(lines, pageKinds[p]!, stats, vocabulary),
  );
  const blocks = joinAcrossPages(perPage, pageKinds, vocabulary);
  const starts = outline.length >= 2 ? outlineSections(outline, blocks) : detectedSections(blocks, stats);
  return {
    blocks: blocks.map(({ kind, page, text, map }): TextBlock => ({ kind, page, text, map })),
    pageKinds,
    sections: withPageRanges(starts, pages.length),
  };
}

/** The most common size and font of the document's text, weighted by characters. */
function textStats(pages: readonly PdfLine[][]): TextStats {
  const sizes = new Map<number, number>();
  const fonts = new Map<string, number>();
  for (const lines of pages) {
    for (const line of lines) {
      if (line.mono) continue;
      const size = Math.round(line.size * 2) / 2;
      sizes.set(size, (sizes.get(size) ?? 0) + line.text.length);
      fonts.set(line.font, (fonts.get(line.font) ?? 0) + line.text.length);
    }
  }
  const mode = <K>(counts: Map<K, number>, fallback: K): K => {
    let best = fallback;
    let n = -1;
    for (const [key, count] of counts) if (count > n) [best, n] = [key, count];
    return best;
  };
  return { bodySize: mode(sizes, 10), bodyFont: mode(fonts, '') };
}

/**
 * One list of blocks; a page's last paragraph and the next page's first are one paragraph when the
 * sentence visibly runs on (no closing punctuation, the next page starts in lower case).
 */
function joinAcrossPages(
  perPage: LayoutBlock[][],
  kinds: readonly string[],
  vocabulary: Vocabulary,
): LayoutBlock[] {
  const blocks: LayoutBlock[] = [];
  for (const [p, pageBlocks] of perPage.entries()) {
    for (const [i, block] of pageBlocks.entries()) {
      const last = blocks.at(-1);
      const runsOn =
        i === 0 &&
        last !== undefined &&
        last.kind === 'paragraph' &&
        block.kind === 'paragraph' &&
        last.page === p &&
        kinds[p] === 'body' &&
        kinds[p - 1] === 'body' &&
        !/[.!?:;]["'”’)\]]*$/.test(last.text) &&
        /^\p{Ll}/u.test(block.text);
      if (runsOn) joinRunningText(last, null, block, vocabulary);
      else blocks.push(block);
    }
  }
  return blocks;
}

/** Comparable form of a title: lower case, letters and digits only, single spaces. */
const normal = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Sections from the outline: each bookmark starts at the block on its page whose text is its title
 * (a heading), else at the first block at or below the bookmark's destination, else at the page top.
 */
function outlineSections(outline: readonly OutlineTarget[], blocks: LayoutBlock[]): SectionStart[] {
  const firstOfPage: number[] = [];
  for (let b = blocks.length - 1; b >= 0; b--) firstOfPage[blocks[b]!.page] = b;
  const firstAtOrAfter = (page: number) => {
    for (let p = page; p < firstOfPage.length; p++) if (firstOfPage[p] !== undefined) return firstOfPage[p]!;
    return blocks.length;
  };
  const starts: SectionStart[] = [];
  let floor = 0; // sibling bookmarks on one page start in order
  for (const target of outline) {
    const title = cleanTitle(target.title);
    if (!title) continue;
    let from = firstAtOrAfter(target.page);
    if (from < floor && blocks[floor]?.page === target.page) from = floor;
    let block = titleBlock(blocks, from, target.page, title);
    let shownTitle = title;
    if (block >= 0) {
      const heading = blocks[block]!;
      if (heading.text.length <= title.length + 20) {
        heading.kind = 'heading';
        // The heading as printed, when it adds the bookmark's missing number ("2.5 Missing values").
        if (normal(heading.text).endsWith(normal(title))) shownTitle = cleanTitle(heading.text);
      }
    } else {
      block = destinationBlock(blocks, from, target);
    }
    floor = block;
    const atTop = block >= blocks.length || blocks[block]!.page !== target.page || startsPage(blocks, block);
    starts.push({ title: shownTitle, level: target.level, block, page: target.page, atTop });
  }
  // Bookmarks out of page order still give sections in reading order.
  return starts.sort((a, b) => a.block - b.block);
}

/**
 * The block of page `page` (from block `from` on) that is the title: a heading reading it (perhaps
 * after its number), else a short block that is it, else a paragraph starting with it (a run-in
 * heading); -1 when none.
 */
function titleBlock(blocks: readonly LayoutBlock[], from: number, page: number, title: string): number {
  const wanted = normal(title);
  const tests = [
    (have: string, b: LayoutBlock) =>
      b.kind === 'heading' &&
      (have === wanted || have.endsWith(` ${wanted}`) || have.startsWith(`${wanted} `)),
    (have: string) => have === wanted || (have.endsWith(wanted) && have.length <= wanted.length + 12),
    (have: string) => have.startsWith(`${wanted} `),
  ];
  for (const test of tests) {
    for (let b = from; b < blocks.length && blocks[b]!.page === page; b++) {
      if (test(normal(blocks[b]!.text.slice(0, title.length + 40)), blocks[b]!)) return b;
    }
  }
  return -1;
}

/** The first block of the target's page at or below its destination (the page's first without one). */
function destinationBlock(blocks: readonly LayoutBlock[], from: number, target: OutlineTarget): number {
  if (target.top === null) return from;
  let block = from;
  while (
    block < blocks.length &&
    blocks[block]!.page === target.page &&
    blocks[block]!.top > target.top + blocks[block]!.size
  ) {
    block++;
  }
  return block < blocks.length && blocks[block]!.page === target.page ? block : from;
}

/**
 * Sections from headings the layout shows: numbered headings ("2.5 Missing values", "Chapter 6")
 * nest by their numbering; unnumbered ones (at least 1.3× the body size) take the level of numbered
 * headings of about their size, or rank by size when nothing is numbered.
 */
function detectedSections(blocks: readonly LayoutBlock[], stats: TextStats): SectionStart[] {
  const headings = blocks
    .map((block, index) => ({ block, index, depth: numberingDepth(block.text) }))
    .filter(
      ({ block, depth }) =>
        block.kind === 'heading' && (depth !== null || block.size >= stats.bodySize * 1.3),
    );
  const sizeOfDepth = new Map<number, number>();
  for (const h of headings) {
    if (h.depth !== null) sizeOfDepth.set(h.depth, Math.max(sizeOfDepth.get(h.depth) ?? 0, h.block.size));
  }
  const sizes = [...new Set(headings.map((h) => Math.round(h.block.size)))].sort((a, b) => b - a);
  const levelOf = (size: number): number => {
    if (sizeOfDepth.size === 0) return sizes.indexOf(Math.round(size)) + 1;
    let level = 1;
    for (const [depth, s] of [...sizeOfDepth].sort((a, b) => a[0] - b[0])) if (size <= s + 0.5) level = depth;
    return level;
  };
  return headings.map(({ block, index, depth }) => ({
    title: cleanTitle(block.text),
    level: depth ?? levelOf(block.size),
    block: index,
    page: block.page,
    atTop: startsPage(blocks, index),
  }));
}

/** Nothing on the block's page comes before it (the block before it ends on an earlier page). */
function startsPage(blocks: readonly LayoutBlock[], index: number): boolean {
  const before = blocks[index - 1];
  return before === undefined || before.map[before.map.length - 1]![1] < blocks[index]!.page;
}
