import type { SupportedMime } from '@classchat/contracts';
import mammoth from 'mammoth';
import { getDocumentProxy } from 'unpdf';
import { assertDocxUnpackedSize } from './docx-guard.js';
import { failures, IngestFailure } from './errors.js';
import { pdfStructure, type LinedPage, type OutlineTarget } from './pdf/layout.js';
import { pageLines, type PdfItem } from './pdf/lines.js';
import {
  docxStructure,
  markdownStructure,
  plainTextStructure,
  type DocxHeading,
} from './structure/text-formats.js';
import type { DocumentStructure } from './structure/types.js';

/**
 * Turning a stored file into page texts (`pages[0]` is physical page 1) and its reading structure.
 *
 * - PDF: PDF.js (through unpdf) text per physical page, exactly as unpdf's `extractText(pdf,
 *   { mergePages: false })` joins it (text items concatenated, `\n` after an item that ends a line),
 *   read page by page so progress can be reported and an abort takes effect between pages. Chunk
 *   offsets index into these raw texts, which is also what a PDF.js viewer's text layer yields.
 *   The structure is rebuilt from the items' positions and fonts (see `pdf/layout.ts`) and the
 *   file's outline.
 * - DOCX (mammoth raw text, headings from its heading styles), Markdown (`#` headings) and plain
 *   text: one page holding the whole text. DOCX has no reliable physical pages (layout is up to the
 *   word processor), and pseudo-pages of a text file would be numbers a student cannot find in the
 *   file; the chunks' character offsets still locate every passage exactly.
 */

export interface ParseOptions {
  maxPages: number;
  signal?: AbortSignal | undefined;
  /** Pages parsed so far out of the total (PDF only; other formats report 0/1 then 1/1). */
  onProgress?: (done: number, total: number) => void;
}

/** Plain data: it may cross a structured clone (a worker thread). */
export interface ParsedDocument extends DocumentStructure {
  /** Each page's raw text: the coordinate system of chunk offsets and source maps. */
  pages: string[];
}

/** Pages parsed concurrently: enough to keep PDF.js busy, few enough that an abort is prompt. */
const PDF_PAGE_WINDOW = 8;

export async function parseDocument(
  mime: SupportedMime,
  bytes: Uint8Array,
  options: ParseOptions,
): Promise<ParsedDocument> {
  switch (mime) {
    case 'application/pdf':
      return parsePdf(bytes, options);
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
      const { text, headings } = await docxContent(bytes);
      return singlePage(text, options, (clean) => docxStructure(clean, headings));
    }
    case 'text/markdown':
      return singlePage(utf8Text(bytes), options, markdownStructure);
    case 'text/plain':
      return singlePage(utf8Text(bytes), options, plainTextStructure);
  }
}

async function parsePdf(bytes: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: PDF.js may transfer (detach) the buffer it is given.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
  } catch (err) {
    if ((err as Error | undefined)?.name === 'PasswordException') throw failures.password();
    throw failures.damaged();
  }
  try {
    const total = pdf.numPages;
    if (total > options.maxPages) throw failures.tooManyPages(total, options.maxPages);
    const pages: Array<LinedPage & { raw: string }> = new Array<LinedPage & { raw: string }>(total);
    options.onProgress?.(0, total);
    for (let from = 1; from <= total; from += PDF_PAGE_WINDOW) {
      options.signal?.throwIfAborted();
      const to = Math.min(total, from + PDF_PAGE_WINDOW - 1);
      const read = await Promise.all(Array.from({ length: to - from + 1 }, (_, i) => pdfPage(pdf, from + i)));
      read.forEach((page, i) => (pages[from - 1 + i] = page));
      options.onProgress?.(to, total);
    }
    if (!pages.some((page) => hasText(page.raw))) throw failures.noText(true);
    const outline = await outlineTargets(pdf, total);
    return { pages: pages.map((page) => page.raw), ...pdfStructure(pages, outline) };
  } catch (err) {
    if (err instanceof IngestFailure || options.signal?.aborted) throw err;
    throw failures.damaged();
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

/**
 * A page's raw text (items joined as the viewer's text layer joins them) and its lines (the items
 * themselves are dropped here: a long document's items would all be held until the end).
 */
async function pdfPage(pdf: PdfProxy, pageNumber: number): Promise<LinedPage & { raw: string }> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    const items: PdfItem[] = [];
    let raw = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      const str = item.str.replaceAll('\u0000', '');
      const [a, b, c, d, x, y] = item.transform as number[];
      items.push({
        str,
        raw: raw.length,
        x: x!,
        y: y!,
        size: Math.hypot(c!, d!) || Math.hypot(a!, b!) || item.height,
        width: item.width,
        font: item.fontName,
        mono: content.styles[item.fontName]?.fontFamily === 'monospace',
        eol: item.hasEOL,
      });
      raw += item.hasEOL ? `${str}\n` : str;
    }
    const [, bottom, , top] = page.view;
    return { raw, lines: pageLines(items, pageNumber), top: top!, bottom: bottom! };
  } finally {
    page.cleanup();
  }
}

/** Bookmarks beyond this many are ignored (a sane bound on a hostile file's work). */
const MAX_OUTLINE_ENTRIES = 5000;
/**
 * Bookmarks nested deeper than this are ignored: real outlines stop at 6 or 7 levels, and every
 * chunk carries the titles of the sections it sits in.
 */
export const MAX_OUTLINE_DEPTH = 16;

type OutlineNode = NonNullable<Awaited<ReturnType<PdfProxy['getOutline']>>>[number];

/** The outline's entries in order, each with its destination page; empty when there is none. */
async function outlineTargets(pdf: PdfProxy, pageCount: number): Promise<OutlineTarget[]> {
  const tree = await outlineTree(pdf);
  const targets: OutlineTarget[] = [];
  const visit = async (nodes: readonly OutlineNode[], level: number): Promise<void> => {
    for (const node of nodes) {
      if (targets.length >= MAX_OUTLINE_ENTRIES) return;
      const place = await destinationOf(pdf, node.dest);
      if (place && place.page <= pageCount && node.title.trim()) {
        targets.push({ title: node.title, level, ...place });
      }
      if (node.items.length > 0 && level < MAX_OUTLINE_DEPTH) await visit(node.items, level + 1);
    }
  };
  if (tree) await visit(tree, 1);
  return targets;
}

/**
 * The outline tree, or null when there is none or PDF.js cannot hand it over. PDF.js reads an
 * outline without recursion, then passes it from its parsing half to its API half by structured
 * clone, which recurses: an outline nested a few thousand deep overflows the stack inside a promise
 * callback of PDF.js's own, so the error reaches no caller (a rejection nobody handles, which ends
 * the thread) and `getOutline` never settles. A rejection nobody handles while the outline is asked
 * for (nothing else runs then) is taken for that, and the document is read without its outline.
 */
function outlineTree(pdf: PdfProxy): Promise<readonly OutlineNode[] | null> {
  return new Promise((resolve) => {
    const lost = () => resolve(null);
    process.once('unhandledRejection', lost);
    pdf
      .getOutline()
      .then(resolve, () => resolve(null))
      .finally(() => process.off('unhandledRejection', lost));
  });
}

async function destinationOf(
  pdf: PdfProxy,
  dest: string | unknown[] | null,
): Promise<{ page: number; top: number | null } | null> {
  try {
    const explicit = typeof dest === 'string' ? await pdf.getDestination(dest) : dest;
    if (!Array.isArray(explicit) || explicit.length === 0) return null;
    const ref: unknown = explicit[0];
    const index =
      typeof ref === 'number' ? ref : await pdf.getPageIndex(ref as Parameters<PdfProxy['getPageIndex']>[0]);
    const mode = (explicit[1] as { name?: string } | undefined)?.name;
    const top: unknown =
      mode === 'XYZ' ? explicit[3] : mode === 'FitH' || mode === 'FitBH' ? explicit[2] : null;
    return { page: index + 1, top: typeof top === 'number' ? top : null };
  } catch {
    return null;
  }
}

/** mammoth's raw text (what the viewer shows) and the paragraphs in heading styles, in order. */
async function docxContent(bytes: Uint8Array): Promise<{ text: string; headings: DocxHeading[] }> {
  await assertDocxUnpackedSize(bytes);
  try {
    const buffer = Buffer.from(bytes);
    const result = await mammoth.extractRawText({ buffer });
    const headings: DocxHeading[] = [];
    await mammoth.convertToHtml(
      { buffer },
      { transformDocument: (doc: unknown) => (collectHeadings(doc, headings), doc) },
    );
    return { text: result.value, headings };
  } catch {
    throw failures.damaged();
  }
}

interface MammothElement {
  type?: string;
  value?: string;
  styleId?: string | null;
  styleName?: string | null;
  children?: MammothElement[];
}

/** Paragraphs styled "heading N" (or with style id HeadingN), walked in document order. */
function collectHeadings(element: unknown, out: DocxHeading[]): void {
  const el = element as MammothElement;
  if (el.type === 'paragraph') {
    const style =
      /^heading\s*([1-9])$/i.exec(el.styleName ?? '') ?? /^heading([1-9])$/i.exec(el.styleId ?? '');
    if (style) out.push({ text: rawTextOf(el), level: Number(style[1]) });
  }
  for (const child of el.children ?? []) collectHeadings(child, out);
}

/** An element's text as mammoth's raw text writes it (tabs as `\t`). */
function rawTextOf(el: MammothElement): string {
  if (el.type === 'text') return el.value ?? '';
  if (el.type === 'tab') return '\t';
  return (el.children ?? []).map(rawTextOf).join('');
}

function utf8Text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw failures.notUtf8();
  }
}

function singlePage(
  text: string,
  options: ParseOptions,
  structure: (text: string) => DocumentStructure,
): ParsedDocument {
  options.onProgress?.(0, 1);
  const clean = text.replaceAll('\u0000', '');
  if (!hasText(clean)) throw failures.noText(false);
  const parsed = { pages: [clean], ...structure(clean) };
  options.onProgress?.(1, 1);
  return parsed;
}

/** Any letter or digit: blank pages, whitespace and stray punctuation do not count as text. */
export function hasText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
