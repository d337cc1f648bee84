import { rawMapped } from './mapped-text.js';
import { cleanTitle, withPageRanges, type SectionStart } from './sections.js';
import type { BlockKind, DocumentStructure, TextBlock } from './types.js';

/**
 * The structure of a one-page text (Markdown, plain text, a DOCX's raw text): blocks are the raw
 * text's own slices (their offsets are the text's), separated by blank lines; fenced code stays one
 * block of lines. Headings: Markdown `#` and underlined (setext) headings outside code fences, or
 * the DOCX paragraphs mammoth reports as heading styles.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

interface Line {
  start: number;
  end: number;
  text: string;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lines.push({ start, end, text: text.slice(start, end).replace(/\r$/, '') });
    start = end + 1;
  }
  return lines;
}

/** Accumulates blocks of one page's text, trimming each to its non-blank extent. */
class BlockList {
  readonly blocks: TextBlock[] = [];
  readonly headings: SectionStart[] = [];
  private text = '';
  private page = 1;

  /** Blocks added from now on are slices of `text`, page `page`'s raw text. */
  onPage(text: string, page: number): this {
    this.text = text;
    this.page = page;
    return this;
  }

  add(kind: BlockKind, start: number, end: number, heading?: { title: string; level: number }): void {
    while (start < end && /\s/.test(this.text[start]!) && (kind !== 'lines' || this.text[start] === '\n'))
      start++;
    while (end > start && /\s/.test(this.text[end - 1]!)) end--;
    if (start >= end) return;
    if (heading && cleanTitle(heading.title)) {
      this.headings.push({
        title: cleanTitle(heading.title),
        level: heading.level,
        block: this.blocks.length,
        page: this.page,
        atTop: this.blocks.at(-1)?.page !== this.page,
      });
    }
    this.blocks.push({ kind, page: this.page, ...rawMapped(this.text.slice(start, end), this.page, start) });
  }

  structure(pageCount: number): DocumentStructure {
    return {
      blocks: this.blocks,
      pageKinds: Array.from({ length: pageCount }, () => 'body' as const),
      sections: withPageRanges(this.headings, pageCount),
    };
  }
}

/** Markdown: `#` headings (never inside fenced code), setext headings, fenced code, paragraphs. */
export function markdownStructure(text: string): DocumentStructure {
  const out = new BlockList().onPage(text, 1);
  let paragraph: Line[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.add('paragraph', paragraph[0]!.start, paragraph.at(-1)!.end);
    paragraph = [];
  };
  let fence: { marker: string; start: number } | null = null;
  for (const line of linesOf(text)) {
    if (fence) {
      const close = FENCE.exec(line.text);
      if (close && close[1]![0] === fence.marker[0] && close[1]!.length >= fence.marker.length) {
        out.add('lines', fence.start, line.end);
        fence = null;
      }
      continue;
    }
    const open = FENCE.exec(line.text);
    if (open) {
      flush();
      fence = { marker: open[1]!, start: line.start };
      continue;
    }
    const atx = ATX.exec(line.text);
    if (atx) {
      flush();
      out.add('heading', line.start, line.end, { title: atx[2] ?? '', level: atx[1]!.length });
      continue;
    }
    const setext = SETEXT.exec(line.text);
    if (setext && paragraph.length === 1) {
      const title = paragraph[0]!;
      paragraph = [];
      out.add('heading', title.start, line.end, {
        title: title.text,
        level: setext[1]![0] === '=' ? 1 : 2,
      });
      continue;
    }
    if (line.text.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  if (fence) out.add('lines', fence.start, text.length); // an unclosed fence runs to the end
  return out.structure(1);
}

/** Plain text: paragraphs separated by blank lines, no sections. */
export function plainTextStructure(text: string): DocumentStructure {
  return pagesStructure([text]);
}

/** Pages of plain text (`pages[0]` is page 1): paragraphs separated by blank lines, no sections. */
export function pagesStructure(pages: readonly string[]): DocumentStructure {
  const out = new BlockList();
  pages.forEach((text, i) => paragraphs(out.onPage(text, i + 1), text, 0, text.length));
  return out.structure(pages.length);
}

/** A heading paragraph of a DOCX, in document order: its text and level (1 for "heading 1"). */
export interface DocxHeading {
  text: string;
  level: number;
}

/**
 * A DOCX's raw text (mammoth's: every paragraph followed by a blank line) with the given heading
 * paragraphs found in order, each where a paragraph of exactly its text begins.
 */
export function docxStructure(text: string, headings: readonly DocxHeading[]): DocumentStructure {
  const at: Array<{ start: number; end: number; heading: DocxHeading }> = [];
  let cursor = 0;
  for (const heading of headings) {
    const wanted = heading.text.trim();
    if (!wanted) continue;
    let found = -1;
    for (let i = text.indexOf(wanted, cursor); i !== -1; i = text.indexOf(wanted, i + 1)) {
      const startsParagraph = text.slice(paragraphStart(text, i), i).trim() === '';
      const after = text.slice(i + wanted.length).match(/^[ \t]*(\n\n|$)/);
      if (startsParagraph && after) {
        found = i;
        break;
      }
    }
    if (found === -1) continue;
    at.push({ start: found, end: found + wanted.length, heading });
    cursor = found + wanted.length;
  }
  const out = new BlockList().onPage(text, 1);
  let pos = 0;
  for (const span of at) {
    paragraphs(out, text, pos, span.start);
    out.add('heading', span.start, span.end, { title: span.heading.text, level: span.heading.level });
    pos = span.end;
  }
  paragraphs(out, text, pos, text.length);
  return out.structure(1);
}

function paragraphStart(text: string, i: number): number {
  const blank = text.lastIndexOf('\n\n', i);
  return blank === -1 ? 0 : blank + 2;
}

/** Paragraphs of `text[from, to)`, separated by blank lines. */
function paragraphs(out: BlockList, text: string, from: number, to: number): void {
  const blank = /\n[ \t\r]*\n/g;
  blank.lastIndex = from;
  let start = from;
  for (let m = blank.exec(text); m && m.index < to; m = blank.exec(text)) {
    out.add('paragraph', start, m.index);
    start = m.index + m[0].length;
  }
  out.add('paragraph', start, to);
}
