import type { ChunkReference, Citation } from '@classchat/contracts';

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
}

export interface FinalAnswer {
  /** The answer with its markers renumbered in order of first use; markers of no source removed. */
  content: string;
  /** Exactly the sources the answer cites, `n` = 1, 2, 3… in order of first use. */
  citations: Citation[];
}

export const SNIPPET_CHARS = 200;
/** Ranges wider than this (`[1-400]`) are not citations. */
const MAX_RANGE = 20;

/**
 * A bracket group of source numbers: `[1]`, `[1, 3]`, `[1,3;4]`, `[1-2]`, `[1–3]`, `[2 and 4]`. Not
 * a markdown link (`[1](…)`) nor a footnote (`[^1]`).
 */
const MARKER = /\[\s*(\d{1,4}(?:\s*(?:,|;|-|–|—|and|&)\s*\d{1,4})*)\s*\](?!\()/g;

interface Marker {
  start: number;
  end: number;
  /** Old source numbers in written order (ranges expanded), duplicates kept. */
  numbers: number[];
}

/**
 * Renumbers an answer's citation markers in order of first use and builds the citation list from
 * the context `sources` (`[n]` = `sources[n - 1]`). Pure.
 *
 * - Only cited sources are listed; a source cited twice is listed once with one number.
 * - `[1, 3]`, `[2][3]` and `[1-2]` forms are understood; a group is written back as `[a, b]`, sorted.
 * - A number with no such source is dropped; a group left empty is removed with the space before it.
 * - Markers inside code (`` `…` `` or fenced blocks) and groups containing 0 are left alone.
 */
export function finalizeAnswer(content: string, sources: readonly CitableSource[]): FinalAnswer {
  const markers = findMarkers(content);
  const renumber = new Map<number, number>();
  const firstUse = new Map<number, Marker>();
  for (const m of markers) {
    for (const old of m.numbers) {
      if (old < 1 || old > sources.length || renumber.has(old)) continue;
      renumber.set(old, renumber.size + 1);
      firstUse.set(old, m);
    }
  }

  let out = '';
  let cursor = 0;
  for (const m of markers) {
    const mapped = [...new Set(m.numbers.flatMap((old) => renumber.get(old) ?? []))].sort((a, b) => a - b);
    let before = content.slice(cursor, m.start);
    if (mapped.length === 0) {
      const next = content[m.end] ?? '';
      if (/[ \t]$/.test(before) && (next === '' || /[\s.,;:!?)]/.test(next)))
        before = before.replace(/[ \t]+$/, '');
      out += before;
    } else {
      out += `${before}[${mapped.join(', ')}]`;
    }
    cursor = m.end;
  }
  out += content.slice(cursor);

  const citations: Citation[] = [];
  for (const [old, n] of renumber) {
    const source = sources[old - 1]!;
    const marker = firstUse.get(old)!;
    citations.push(toCitation(source, n, quotedBefore(content, marker.start)));
  }
  citations.sort((a, b) => a.n - b.n);
  return { content: out, citations };
}

/** The citation of `source` as number `n`; `quote` (text quoted in the answer) pins the snippet when found. */
export function toCitation(source: CitableSource, n: number, quote?: string | null): Citation {
  const located = quote ? locate(source.text, quote) : null;
  const singlePage = source.pageStart === source.pageEnd;
  const charStart = located && singlePage ? source.charStart + located.start : source.charStart;
  const charEnd = located && singlePage ? source.charStart + located.end : source.charEnd;
  return {
    n,
    documentId: source.documentId,
    fileName: source.fileName,
    page: source.pageStart,
    chunkId: source.chunkId,
    snippet: located ? source.text.slice(located.start, located.end) : snippetOf(source.text),
    charStart,
    charEnd: Math.max(charStart, charEnd),
    href: citationHref(source.documentId, source.pageStart, source.chunkId),
  };
}

export function citationHref(documentId: string, page: number, chunkId: string): string {
  return `/documents/${encodeURIComponent(documentId)}?page=${page}&chunk=${encodeURIComponent(chunkId)}`;
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

function findMarkers(content: string): Marker[] {
  const code = codeRanges(content);
  const markers: Marker[] = [];
  for (const match of content.matchAll(MARKER)) {
    const start = match.index;
    if (code.some(([a, b]) => start >= a && start < b)) continue;
    const numbers = parseGroup(match[1]!);
    if (!numbers || numbers.includes(0)) continue;
    markers.push({ start, end: start + match[0].length, numbers });
  }
  return markers;
}

/** `1, 3-4` → [1, 3, 4]; null when a range is reversed or too wide (not a citation). */
function parseGroup(group: string): number[] | null {
  const numbers: number[] = [];
  const parts = group.split(/\s*(?:,|;|and|&)\s*/);
  for (const part of parts) {
    const range = /^(\d+)\s*[-–—]\s*(\d+)$/.exec(part);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b < a || b - a > MAX_RANGE) return null;
      for (let i = a; i <= b; i++) numbers.push(i);
    } else if (/^\d+$/.test(part)) {
      numbers.push(Number(part));
    } else {
      return null;
    }
  }
  return numbers;
}

/** [start, end) of fenced code blocks and inline code spans. */
function codeRanges(content: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const m of content.matchAll(/```[\s\S]*?(?:```|$)|`[^`\n]+`/g)) {
    ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}

/** The text of a quotation that ends right before a marker (`"…" [2]`, `“…”[2]`), if any. */
export function quotedBefore(content: string, markerStart: number): string | null {
  const before = content.slice(Math.max(0, markerStart - 600), markerStart);
  const m = /["“]([^"“”\n]{12,500})["”][\s*_]*$/.exec(before);
  return m ? m[1]!.trim() : null;
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
