import type { Citation } from './chat.js';

/**
 * Citation markers are part of the wire format: an answer's `content` cites its sources as `【n】`
 * (lenticular brackets), and the `citations` list that travels with it explains each n. Course
 * material is full of square brackets (R's `[1] "arrests"`, `a[2]`, references like "[3]"), which
 * must stay text; lenticular brackets do not occur in it, so a quoted source can never make a chip.
 * Both rag (on `done`) and the api (for an answer the student stopped) renumber markers with this
 * one implementation, and the web app finds them with the same patterns.
 *
 * Square-bracket markers (`[n]`) are read only from an answer that has no `【n】` at all: answers
 * saved before lenticular markers existed, and a model that ignored its instructions. Renumbering
 * writes them back as `【n】`.
 */

/** Ranges wider than this (`【1-400】`) are not citations. */
const MAX_RANGE = 20;

const GROUP = '(\\d{1,4}(?:\\s*(?:,|;|-|–|—|and|&)\\s*\\d{1,4})*)';

export type MarkerStyle = 'lenticular' | 'brackets';

/** The marker of source `n` (or of several sources, `【1, 3】`). */
export function citationMarker(...numbers: number[]): string {
  return `【${numbers.join(', ')}】`;
}

/**
 * How an answer writes its markers: `lenticular` once it holds any `【n】`, else `brackets`
 * (`[1]`, `[1, 3]`, `[1-2]`, `[2 and 4]`; never a markdown link `[1](…)` nor a footnote `[^1]`).
 */
export function markerStyleOf(content: string): MarkerStyle {
  return /【\s*\d/.test(content) ? 'lenticular' : 'brackets';
}

/** A fresh global pattern of a marker group in `style`; group 1 is the numbers (see `parseMarkerGroup`). */
export function markerPattern(style: MarkerStyle): RegExp {
  return style === 'lenticular'
    ? new RegExp(`【\\s*${GROUP}\\s*】`, 'g')
    : new RegExp(`\\[\\s*${GROUP}\\s*\\](?!\\()`, 'g');
}

interface Marker {
  start: number;
  end: number;
  /** Old source numbers in written order (ranges expanded), duplicates kept. */
  numbers: number[];
}

export interface RenumberedAnswer {
  /** The answer with its markers renumbered in order of first use; markers of no source removed. */
  content: string;
  /** Exactly the sources the answer cites, `n` = 1, 2, 3… in order of first use. */
  citations: Citation[];
}

/**
 * Renumbers an answer's citation markers in order of first use and builds the citation list from
 * `sources` (`[n]` = `sources[n - 1]`) with `cite(source, newNumber, quotedText)`. Pure.
 *
 * - Only cited sources are listed; a source cited twice is listed once with one number.
 * - `【1, 3】`, `【2】【3】` and `【1-2】` forms are understood; a group is written back as `【a, b】`, sorted.
 * - A number with no such source is dropped; a group left empty is removed with the space before it.
 * - Markers inside code (`` `…` `` or fenced blocks) and groups containing 0 are left alone.
 */
export function renumberCitations<S>(
  content: string,
  sources: readonly S[],
  cite: (source: S, n: number, quote: string | null) => Citation,
): RenumberedAnswer {
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
      out += `${before}${citationMarker(...mapped)}`;
    }
    cursor = m.end;
  }
  out += content.slice(cursor);

  const citations: Citation[] = [];
  for (const [old, n] of renumber) {
    citations.push(cite(sources[old - 1]!, n, quotedBefore(content, firstUse.get(old)!.start)));
  }
  citations.sort((a, b) => a.n - b.n);
  return { content: out, citations };
}

function findMarkers(content: string): Marker[] {
  const code = codeRanges(content);
  const markers: Marker[] = [];
  for (const match of content.matchAll(markerPattern(markerStyleOf(content)))) {
    const start = match.index;
    if (code.some(([a, b]) => start >= a && start < b)) continue;
    const numbers = parseMarkerGroup(match[1]!);
    if (!numbers || numbers.includes(0)) continue;
    markers.push({ start, end: start + match[0].length, numbers });
  }
  return markers;
}

/** `1, 3-4` → [1, 3, 4]; null when a range is reversed or too wide (not a citation). */
export function parseMarkerGroup(group: string): number[] | null {
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
