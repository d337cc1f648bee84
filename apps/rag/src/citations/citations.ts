import {
  renumberCitations,
  type ChunkReference,
  type Citation,
  type RenumberedAnswer,
} from '@classchat/contracts';
import { pageSpanOf, type SourceMap } from './source-map.js';

/** A passage that was given to the model as context block `[n]` (n = index + 1). */
export interface CitableSource {
  chunkId: string;
  documentId: string;
  fileName: string;
  pageStart: number;
  pageEnd: number;
  /** Offsets of the chunk within `pageStart`'s text. */
  charStart: number;
  charEnd: number;
  text: string;
  /** Section titles, outermost first (empty or absent when the document's sections are unknown). */
  sectionPath?: readonly string[] | undefined;
  /** Where the chunk's characters sit in the raw page text, when its text was cleaned. */
  sourceMap?: SourceMap | null | undefined;
}

export type FinalAnswer = RenumberedAnswer;

export const SNIPPET_CHARS = 200;

/**
 * Renumbers an answer's citation markers in order of first use and builds the citation list from
 * the context `sources` (`[n]` = `sources[n - 1]`); a quotation right before a marker pins the
 * citation's snippet. The marker rules are contracts' `renumberCitations`.
 */
export function finalizeAnswer(content: string, sources: readonly CitableSource[]): FinalAnswer {
  return renumberCitations(content, sources, toCitation);
}

/**
 * The citation of `source` as number `n`; `quote` (text quoted in the answer) pins the snippet and
 * the span when found. The span is in the raw text of the page the viewer shows (through the
 * chunk's source map when its text was cleaned); without a quote it is the chunk's part on its
 * first page.
 */
export function toCitation(source: CitableSource, n: number, quote?: string | null): Citation {
  const located = quote ? locate(source.text, quote) : null;
  // A chunk stored before source maps spans pages as parts joined by a blank line: only its first
  // page's part maps by offset.
  const mappable = source.sourceMap || source.pageStart === source.pageEnd;
  const span =
    located && mappable
      ? pageSpanOf(source, located.start, located.end)
      : { page: source.pageStart, charStart: source.charStart, charEnd: source.charEnd };
  return {
    n,
    documentId: source.documentId,
    fileName: source.fileName,
    page: span.page,
    chunkId: source.chunkId,
    snippet: located ? source.text.slice(located.start, located.end) : snippetOf(source.text),
    charStart: span.charStart,
    charEnd: Math.max(span.charStart, span.charEnd),
    href: citationHref({
      documentId: source.documentId,
      page: span.page,
      chunkId: source.chunkId,
      charStart: span.charStart,
      charEnd: span.charEnd,
    }),
    ...(source.sectionPath && source.sectionPath.length > 0 ? { sectionPath: [...source.sectionPath] } : {}),
  };
}

/** What a citation's viewer link points at: a character range of one page's raw text (the chunk's when unknown). */
export type CitationSpan = Pick<Citation, 'documentId' | 'page' | 'chunkId' | 'charStart' | 'charEnd'>;

/**
 * The viewer link of a citation. It carries the span itself (`page`, `start`, `end`), so a new tab,
 * a reload or a shared link highlights the same characters; a span without a usable range links to
 * the chunk's page as links saved before spans did.
 */
export function citationHref(span: CitationSpan): string {
  const base = `/documents/${encodeURIComponent(span.documentId)}?page=${span.page}`;
  const { charStart, charEnd } = span;
  if (charStart !== null && charEnd !== null && charEnd > charStart) {
    return `${base}&start=${charStart}&end=${charEnd}`;
  }
  return `${base}&chunk=${encodeURIComponent(span.chunkId)}`;
}

/** Every chunk given to the model, in context order (what `follow_up` reloads). */
export function toChunkReferences(sources: readonly CitableSource[]): ChunkReference[] {
  return sources.map((s) => ({
    chunkId: s.chunkId,
    documentId: s.documentId,
    fileName: s.fileName,
    pageStart: s.pageStart,
    pageEnd: s.pageEnd,
  }));
}

/** The first ~200 characters of a chunk, whitespace collapsed, cut at a word boundary. */
export function snippetOf(text: string, max = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** Finds `quote` in `text` ignoring case, whitespace runs, straight/curly quotes and a trailing ellipsis. */
export function locate(text: string, quote: string): { start: number; end: number } | null {
  const wanted = fold(quote.replace(/(?:\.\.\.|…)$/, '').replace(/^(?:\.\.\.|…)/, '')).text.trim();
  if (wanted.length < 8) return null;
  const folded = fold(text);
  const at = folded.text.indexOf(wanted);
  if (at === -1) return null;
  return { start: folded.map[at]!, end: folded.map[at + wanted.length - 1]! + 1 };
}

/** Lowercased text with whitespace runs as one space; `map[i]` = index in the original. */
function fold(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  let space = false;
  for (let i = 0; i < text.length; i++) {
    let ch = text[i]!;
    if (/\s/.test(ch)) {
      if (space) continue;
      space = true;
      ch = ' ';
    } else {
      space = false;
      if (ch === '‘' || ch === '’') ch = "'";
      else if (ch === '“' || ch === '”') ch = '"';
      else {
        const lower = ch.toLowerCase();
        if (lower.length === 1) ch = lower;
      }
    }
    out += ch;
    map.push(i);
  }
  return { text: out, map };
}
