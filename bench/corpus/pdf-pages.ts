import { getDocumentProxy } from 'unpdf';

/** One visual line of a PDF page: PDF.js text items that share a baseline, left to right. */
export interface PdfLine {
  text: string;
  /** Baseline height from the bottom of the page, in PDF units. */
  y: number;
}

export interface PdfPage {
  /** 1-based physical page number. */
  page: number;
  /**
   * The page's text as rag's parser and the viewer's text layer see it: text items concatenated,
   * `\n` after an item that ends a line (unpdf's `extractText` joining).
   */
  text: string;
  /** Visual lines from the top of the page to the bottom. */
  lines: PdfLine[];
}

/** Items whose baselines differ by less than this (PDF units) are on one visual line. */
const SAME_LINE = 2;

/**
 * Every page of a PDF through PDF.js (unpdf), the library rag and the viewer use, so the
 * benchmark's ground truth (page texts, header bands) is read the way a student's viewer reads it.
 */
export async function readPdfPages(bytes: Uint8Array): Promise<PdfPage[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      try {
        const content = await page.getTextContent();
        const items = content.items.flatMap((item) =>
          'str' in item
            ? [
                {
                  str: item.str,
                  eol: item.hasEOL,
                  x: item.transform[4] as number,
                  y: item.transform[5] as number,
                },
              ]
            : [],
        );
        const text = items
          .map((i) => i.str + (i.eol ? '\n' : ''))
          .join('')
          .replaceAll('\u0000', '');
        pages.push({ page: n, text, lines: visualLines(items) });
      } finally {
        page.cleanup();
      }
    }
    return pages;
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

/** The number of pages of a PDF. */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
  try {
    return pdf.numPages;
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

function visualLines(items: ReadonlyArray<{ str: string; x: number; y: number }>): PdfLine[] {
  const rows: Array<{ y: number; parts: Array<{ x: number; str: string }> }> = [];
  for (const item of items) {
    if (!item.str.trim()) continue;
    const row = rows.find((r) => Math.abs(r.y - item.y) < SAME_LINE);
    if (row) row.parts.push({ x: item.x, str: item.str });
    else rows.push({ y: item.y, parts: [{ x: item.x, str: item.str }] });
  }
  return rows
    .sort((a, b) => b.y - a.y)
    .map((r) => ({
      y: r.y,
      text: r.parts
        .sort((a, b) => a.x - b.x)
        .map((p) => p.str.trim())
        .join(' ')
        .replace(/\s+/g, ' '),
    }));
}

/** One bookmark of a PDF's outline, flattened in reading order. */
export interface PdfOutlineEntry {
  title: string;
  level: number;
  /** 1-based physical page of its destination (null when the destination cannot be resolved). */
  page: number | null;
}

/** The PDF's outline (bookmarks) with destination pages; empty when the file has none. */
export async function readPdfOutline(bytes: Uint8Array): Promise<PdfOutlineEntry[]> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false });
  try {
    const entries: PdfOutlineEntry[] = [];
    type Node = { title: string; dest: string | unknown[] | null; items: Node[] };
    const pageOf = async (dest: Node['dest']): Promise<number | null> => {
      const explicit: unknown[] | null = typeof dest === 'string' ? await pdf.getDestination(dest) : dest;
      const ref: unknown = explicit?.[0];
      if (ref === undefined || ref === null) return null;
      if (typeof ref === 'number') return ref + 1;
      return (await pdf.getPageIndex(ref as Parameters<typeof pdf.getPageIndex>[0])) + 1;
    };
    const walk = async (nodes: readonly Node[], level: number) => {
      for (const node of nodes) {
        entries.push({ title: node.title, level, page: await pageOf(node.dest).catch(() => null) });
        await walk(node.items, level + 1);
      }
    };
    await walk((await pdf.getOutline()) ?? [], 1);
    return entries;
  } finally {
    await pdf.destroy().catch(() => {});
  }
}
