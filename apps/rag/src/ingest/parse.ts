import type { SupportedMime } from '@classchat/contracts';
import mammoth from 'mammoth';
import { getDocumentProxy } from 'unpdf';
import { assertDocxUnpackedSize } from './docx-guard.js';
import { failures, IngestFailure } from './errors.js';

/**
 * Turning a stored file into page texts (`pages[0]` is physical page 1).
 *
 * - PDF: PDF.js (through unpdf) text per physical page, exactly as unpdf's `extractText(pdf,
 *   { mergePages: false })` joins it (text items concatenated, `\n` after an item that ends a line),
 *   read page by page so progress can be reported and an abort takes effect between pages. Chunk
 *   offsets index into these texts, which is also what a PDF.js viewer's text layer yields.
 * - DOCX (mammoth raw text), Markdown and plain text: one page holding the whole text. DOCX has no
 *   reliable physical pages (layout is up to the word processor), and pseudo-pages of a text file
 *   would be numbers a student cannot find in the file; the chunks' character offsets still locate
 *   every passage exactly.
 */

export interface ParseOptions {
  maxPages: number;
  signal?: AbortSignal | undefined;
  /** Pages parsed so far out of the total (PDF only; other formats report 0/1 then 1/1). */
  onProgress?: (done: number, total: number) => void;
}

export interface ParsedDocument {
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
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
      return singlePage(await docxText(bytes), options, false);
    case 'text/markdown':
    case 'text/plain':
      return singlePage(utf8Text(bytes), options, false);
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
    const pages: string[] = new Array<string>(total);
    options.onProgress?.(0, total);
    for (let from = 1; from <= total; from += PDF_PAGE_WINDOW) {
      options.signal?.throwIfAborted();
      const to = Math.min(total, from + PDF_PAGE_WINDOW - 1);
      const texts = await Promise.all(
        Array.from({ length: to - from + 1 }, async (_, i) => {
          const page = await pdf.getPage(from + i);
          try {
            const content = await page.getTextContent();
            return content.items
              .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
              .join('')
              .replaceAll('\u0000', '');
          } finally {
            page.cleanup();
          }
        }),
      );
      texts.forEach((text, i) => (pages[from - 1 + i] = text));
      options.onProgress?.(to, total);
    }
    if (!pages.some(hasText)) throw failures.noText(true);
    return { pages };
  } catch (err) {
    if (err instanceof IngestFailure || options.signal?.aborted) throw err;
    throw failures.damaged();
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

async function docxText(bytes: Uint8Array): Promise<string> {
  await assertDocxUnpackedSize(bytes);
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes) });
    return result.value;
  } catch {
    throw failures.damaged();
  }
}

function utf8Text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw failures.notUtf8();
  }
}

function singlePage(text: string, options: ParseOptions, pdf: boolean): ParsedDocument {
  options.onProgress?.(0, 1);
  const clean = text.replaceAll('\u0000', '');
  if (!hasText(clean)) throw failures.noText(pdf);
  options.onProgress?.(1, 1);
  return { pages: [clean] };
}

/** Any letter or digit: blank pages, whitespace and stray punctuation do not count as text. */
export function hasText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
