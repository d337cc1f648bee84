import type { Corpus, OfflinePassage } from './model.js';
import { termsOf } from './terms.js';

/**
 * The parts of the material an overview walks: the sections of each document (from the chunks'
 * section paths), at the depth that gives a readable number of parts; without section paths, the
 * chapters found in the text ("Chapter 4…", "4 Drawing commands"), else runs of pages. Tables of
 * contents, indexes and front matter are left out.
 */

export interface Part {
  documentId: string;
  fileName: string;
  /** Section title path ("6 Lists › 6.3 Data frames"), or a heading found in the text; null for a run of pages. */
  title: string | null;
  pageStart: number;
  pageEnd: number;
  /** Indices into `corpus.passages`, in reading order. */
  passages: number[];
}

/** Section titles that are not content. */
const NOT_CONTENT =
  /^(?:(?:table of )?contents|index|(?:\w+ )?index|list of (?:figures|tables|listings)|copyright|acknowledg(?:e)?ments?|bibliography|references|about (?:this|the) (?:book|manual|author)|title page|colophon|license|licence|gnu free documentation license)$/i;

/** A chapter-level heading in running text: "Chapter 4", "4 Drawing commands", "Appendix B …". */
const CHAPTER_HEADING = /^(?:chapter\s+\d+\b|appendix\s+[A-Z]\b|\d{1,2}\s+\p{Lu}\p{L})/iu;

export function isContent(p: OfflinePassage): boolean {
  if (p.pageKind !== 'body') return false;
  return !p.sectionPath.some((t) => NOT_CONTENT.test(stripNumber(t)));
}

const stripNumber = (title: string) =>
  title.replace(/^(?:\d+(?:\.\d+)*\.?|[A-Z]\.?|chapter \d+:?)\s+/i, '').trim();

export function partsOf(corpus: Corpus, options: { maxParts?: number } = {}): Part[] {
  const maxParts = options.maxParts ?? 14;
  const byDoc = new Map<string, number[]>();
  corpus.passages.forEach((p, i) => {
    if (!isContent(p)) return;
    byDoc.set(p.documentId, [...(byDoc.get(p.documentId) ?? []), i]);
  });
  const parts: Part[] = [];
  for (const indices of byDoc.values()) {
    indices.sort((a, b) => corpus.passages[a]!.chunkIndex - corpus.passages[b]!.chunkIndex);
    const hasSections = indices.some((i) => corpus.passages[i]!.sectionPath.length > 0);
    parts.push(
      ...(hasSections
        ? withoutFrontMatter(bySection(corpus, indices, maxParts))
        : (byChapterHeadings(corpus, indices) ?? byPages(corpus, indices, Math.min(8, maxParts)))),
    );
  }
  return parts.filter((p) => !(p.title && NOT_CONTENT.test(stripNumber(p.title.split(' › ').at(-1)!))));
}

function bySection(corpus: Corpus, indices: readonly number[], maxParts: number): Part[] {
  const maxDepth = Math.max(...indices.map((i) => corpus.passages[i]!.sectionPath.length));
  let chosen: Part[] = [];
  for (let depth = 1; depth <= Math.min(3, maxDepth); depth++) {
    const parts = groupBy(corpus, indices, (p) => p.sectionPath.slice(0, depth).join(' › ') || null);
    if (parts.length > maxParts && chosen.length > 0) break;
    chosen = parts;
    if (parts.length >= 3) break;
  }
  for (const part of chosen) {
    const ps = part.passages.map((i) => corpus.passages[i]!);
    const starts = ps.flatMap((p) => (p.sectionPageStart ? [p.sectionPageStart] : []));
    const ends = ps.flatMap((p) => (p.sectionPageEnd ? [p.sectionPageEnd] : []));
    // A section's own pages when the part is one section; the pages its passages span otherwise.
    const depth = part.title?.split(' › ').length ?? 0;
    if (starts.length > 0 && ps.every((p) => p.sectionPath.length === depth)) {
      part.pageStart = Math.min(...starts);
      part.pageEnd = Math.max(...ends, part.pageStart);
    }
  }
  return chosen;
}

/** A numbered part title: "1 Vectors", "4.2 Lists", "Chapter 3 …", "Part II …", "Appendix A …". */
const NUMBERED = /^(?:\d+(?:\.\d+)*\.?\s|(?:chapter|part|appendix)\s+[\dIVXA-Z]+\b)/i;

/**
 * A document's parts without the unnumbered ones before its first numbered part (a title page, a
 * dedication, a preface): front matter, when the document numbers at least two of its parts.
 */
export function withoutFrontMatter(parts: readonly Part[]): Part[] {
  const numbered = (p: Part) => p.title !== null && NUMBERED.test(p.title.split(' › ').at(-1)!);
  const first = parts.findIndex(numbered);
  if (first <= 0 || parts.filter(numbered).length < 2) return [...parts];
  return parts.slice(first);
}

function groupBy(
  corpus: Corpus,
  indices: readonly number[],
  keyOf: (p: OfflinePassage) => string | null,
): Part[] {
  const parts: Part[] = [];
  const byKey = new Map<string, Part>();
  for (const i of indices) {
    const p = corpus.passages[i]!;
    const key = keyOf(p) ?? `pages:${p.pageStart}`;
    let part = byKey.get(key);
    if (!part) {
      part = {
        documentId: p.documentId,
        fileName: p.fileName,
        title: keyOf(p),
        pageStart: p.pageStart,
        pageEnd: p.pageEnd,
        passages: [],
      };
      byKey.set(key, part);
      parts.push(part);
    }
    part.passages.push(i);
    part.pageStart = Math.min(part.pageStart, p.pageStart);
    part.pageEnd = Math.max(part.pageEnd, p.pageEnd);
  }
  return parts;
}

/** Chapters found as headings in the text: each passage belongs to the last chapter heading seen. */
function byChapterHeadings(corpus: Corpus, indices: readonly number[]): Part[] | null {
  let current: string | null = null;
  const titles = new Map<number, string | null>();
  let found = 0;
  for (const i of indices) {
    const heading = corpus.headings[i]?.map(chapterTitle).find((h) => h !== null);
    if (heading && heading !== current) {
      current = heading;
      found += 1;
    }
    titles.set(i, current);
  }
  if (found < 2) return null;
  const parts = groupBy(corpus, indices, (p) => titles.get(corpus.passages.indexOf(p)) ?? null);
  // Passages before the first chapter (title pages, preface) are front matter.
  return parts.filter((p) => p.title !== null);
}

/**
 * A chapter title from a heading line, or null: "Chapter 8: Base modules 105" (a running header that
 * names the chapter, page number glued on) → "Chapter 8: Base modules".
 */
export function chapterTitle(line: string): string | null {
  if (!CHAPTER_HEADING.test(line)) return null;
  const title = /^chapter\s/i.test(line) ? line.replace(/\s+\d+\S*$/, '').trim() : line.trim();
  return /\p{L}{2}/u.test(title) ? title : null;
}

function byPages(corpus: Corpus, indices: readonly number[], count: number): Part[] {
  const size = Math.max(1, Math.ceil(indices.length / count));
  const parts: Part[] = [];
  for (let at = 0; at < indices.length; at += size) {
    const slice = indices.slice(at, at + size);
    const ps = slice.map((i) => corpus.passages[i]!);
    const heading = slice.flatMap((i) => corpus.headings[i] ?? [])[0] ?? null;
    parts.push({
      documentId: ps[0]!.documentId,
      fileName: ps[0]!.fileName,
      title: heading,
      pageStart: Math.min(...ps.map((p) => p.pageStart)),
      pageEnd: Math.max(...ps.map((p) => p.pageEnd)),
      passages: slice,
    });
  }
  return parts;
}

/** Parts whose title names the topic ("chapter 3", "data frames"), or all when none does. */
export function partsAbout(parts: readonly Part[], topic: string | null): Part[] {
  if (!topic) return [...parts];
  const number = /\b(?:chapter|section|part|unit|lecture)\s+(\d+(?:\.\d+)*)\b/i.exec(topic)?.[1];
  const wanted = new Set(termsOf(topic).filter((t) => !/^\d+$/.test(t)));
  const matching = parts.filter((p) => {
    if (!p.title) return false;
    const last = p.title.split(' › ');
    if (number && last.some((t) => t.startsWith(`${number} `) || t.startsWith(`${number}.`))) return true;
    if (number && new RegExp(`^chapter\\s+${number}\\b`, 'i').test(p.title)) return true;
    return wanted.size > 0 && termsOf(p.title).some((t) => wanted.has(t));
  });
  return matching.length > 0 ? matching : [...parts];
}
